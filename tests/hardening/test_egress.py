"""SSRF: every internal or special range is refused (one case per range), answers are checked all together, and
the request goes to the address that was checked (DNS rebinding can't switch it). A resolver hook stands in for
DNS; no test touches the internet."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agent.ports import PublishPackage
from integrations.egress import RefusedAddressError, pin, refusal
from integrations.webhook import UnsafeDestinationError, WebhookPublisher

SECRET = "whsec-egress"

REFUSED = [
    ("10.1.2.3", "private"), ("172.16.9.9", "private"), ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"), ("127.255.0.1", "loopback"), ("::1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.254", "carrier-grade NAT"),
    ("fc00::1", "unique-local"), ("fd12:3456::1", "unique-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "broadcast"), ("0.0.0.0", "this-network"),
    ("::", "unspecified"), ("192.0.2.10", "documentation"), ("2001:db8::1", "documentation"),
    ("198.18.0.1", "benchmarking"), ("192.88.99.1", "6to4 relay"), ("fec0::1", "site-local"),
    ("2002:0a00:0001::1", "6to4 tunnel"), ("2002:5db8:d822::1", "6to4 tunnel"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnel"),
    ("::ffff:10.0.0.1", "private (embedded"), ("::ffff:127.0.0.1", "loopback (embedded"),
    ("::ffff:100.64.1.1", "carrier-grade NAT (embedded"), ("64:ff9b::a9fe:a9fe", "link-local (embedded"),
    ("::a00:1", "private (embedded"), ("100::1", "discard-only"),
]
PUBLIC = ["93.184.216.34", "2606:2800:220:1::1", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "1.1.1.1"]


@pytest.mark.parametrize(("address", "why"), REFUSED, ids=[a for a, _ in REFUSED])
def test_each_range_is_refused(address: str, why: str) -> None:
    reason = refusal(address)
    assert reason is not None and reason.startswith(why)
    with pytest.raises(UnsafeDestinationError, match="private or local"):
        WebhookPublisher("https://hooks.example.com/x", SECRET, resolve=lambda host, port: [address])


@pytest.mark.parametrize("address", ["100.64.0.1", "2002:a00:1::1", "fd00::5", "::ffff:169.254.169.254"])
def test_literal_addresses_in_the_url_are_refused(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeDestinationError):
        WebhookPublisher(f"https://{host}/hook", SECRET, resolve=lambda h, p: pytest.fail("no lookup for literals"))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(address) is None
    target = pin("https://hooks.example.com:8443/in?a=1", resolve=lambda host, port: [address])
    shown = f"[{address}]" if ":" in address else address
    assert target.url == f"https://{shown}:8443/in?a=1"
    assert target.host_header == "hooks.example.com:8443" and target.sni_hostname == "hooks.example.com"


def test_one_internal_answer_among_public_ones_refuses() -> None:
    with pytest.raises(RefusedAddressError, match="10.0.0.5: private"):
        pin("https://hooks.example.com/x", resolve=lambda host, port: ["93.184.216.34", "10.0.0.5"])


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append({"host": self.headers["Host"], "json": json.loads(body)})
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_request_goes_to_the_checked_address_not_a_second_answer(receiver: tuple[int, list[dict[str, Any]]]) -> None:
    """A rebinding resolver answers the local receiver once, then an unroutable address; the name itself
    (hooks.test) resolves nowhere. Only a request pinned to the first answer can arrive."""
    port, seen = receiver
    answers = iter(["127.0.0.1", "127.0.0.1"])
    calls: list[str] = []

    def rebinding(host: str, _port: int) -> list[str]:
        calls.append(host)
        return [next(answers, "10.255.255.1")]

    publisher = WebhookPublisher(f"http://hooks.test:{port}/in", SECRET, allow_insecure_local=True,
                                 resolve=rebinding, timeout_s=3)
    package = PublishPackage(
        season_id=1, season_title="S", episode_number=1, episode_title="E", video_path=Path("/tmp/v.mp4"),
        cover_path=None, caption="c", hashtags=[], unlock="free", destination="both",
        publish_at="2026-12-03T23:00:00+00:00", approvals=[], idempotency_key="slot1:webhook")
    publisher.publish(package)
    assert calls == ["hooks.test", "hooks.test"]  # once when built, once per publish — never by the HTTP client
    assert seen and seen[0]["host"] == f"hooks.test:{port}" and seen[0]["json"]["idempotency_key"] == "slot1:webhook"
