"""Webhook publisher against a local receiver that checks signatures with the same verify_signature we ship."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agent.ports import PublishPackage
from integrations.publishers import make_publishers
from integrations.webhook import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    UnsafeDestinationError,
    WebhookError,
    WebhookPublisher,
    sign,
    verify_signature,
)

SECRET = "whsec-test"


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    verified: list[bool] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = verify_signature(SECRET, body, dict(self.headers))
            state.verified.append(ok)
            state.received.append({"headers": dict(self.headers), "json": json.loads(body)})
            reply = json.dumps({"id": "rcv-1"}).encode()
            self.send_response(state.status if ok else 401)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/cliffhanger"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def package() -> PublishPackage:
    return PublishPackage(
        season_id=1, season_title="Midnight Latte", episode_number=3, episode_title="The Cup",
        video_path=Path("/tmp/v.mp4"), cover_path=None, caption="The cup is gone.", hashtags=["#minidrama"],
        unlock="paid", destination="both", publish_at="2026-12-03T23:00:00+00:00",
        approvals=[{"user": "U_ANNA", "at": "2026-11-30T10:00:00+00:00"}], idempotency_key="slot3:webhook")


def test_signed_post_is_verified_by_the_receiver(receiver: Receiver) -> None:
    publisher = WebhookPublisher(receiver.url, SECRET, allow_insecure_local=True)
    result = publisher.publish(package())
    assert receiver.verified == [True]
    sent = receiver.received[0]
    assert sent["json"]["event"] == "episode.published" and sent["json"]["episode"]["episode_number"] == 3
    assert sent["headers"][KEY_HEADER] == "slot3:webhook"
    assert result.external_id == "rcv-1" and result.location == receiver.url


def test_wrong_secret_is_rejected_and_raises(receiver: Receiver) -> None:
    with pytest.raises(WebhookError, match="401"):
        WebhookPublisher(receiver.url, "not-the-secret", allow_insecure_local=True).publish(package())
    assert receiver.verified == [False]


def test_verify_signature_rejects_tampering_and_replays() -> None:
    body = b'{"a":1}'
    headers = {TIMESTAMP_HEADER: "1000", SIGNATURE_HEADER: sign(SECRET, "1000", body)}
    assert verify_signature(SECRET, body, headers, now=1100)
    assert verify_signature(SECRET, body, {k.lower(): v for k, v in headers.items()}, now=1100)
    assert not verify_signature(SECRET, b'{"a":2}', headers, now=1100)
    assert not verify_signature(SECRET, body, headers, now=1000 + 301)
    assert not verify_signature(SECRET, body, {SIGNATURE_HEADER: headers[SIGNATURE_HEADER]}, now=1100)


@pytest.mark.parametrize("url", [
    "http://example.com/hook",  # not https
    "https://127.0.0.1/hook",  # loopback
    "https://10.1.2.3/hook",  # private
    "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
    "https://[::ffff:192.168.0.1]/hook",  # IPv4-mapped private
])
def test_unsafe_destinations_are_refused(url: str) -> None:
    with pytest.raises(UnsafeDestinationError):
        WebhookPublisher(url, SECRET)


def test_a_public_name_resolving_inside_is_refused() -> None:
    with pytest.raises(UnsafeDestinationError, match="private or local"):
        WebhookPublisher("https://hooks.example.com/x", SECRET, resolve=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    WebhookPublisher("https://hooks.example.com/x", SECRET, resolve=lambda host, port: ["93.184.216.34"])


def test_server_error_raises(receiver: Receiver) -> None:
    receiver.status = 500
    [publisher] = make_publishers(["webhook"], webhook_url=receiver.url, webhook_secret=SECRET,
                                  webhook_allow_insecure_local=True)
    with pytest.raises(WebhookError, match="500"):
        publisher.publish(package())
