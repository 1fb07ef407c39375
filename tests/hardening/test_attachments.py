"""Attachment downloads carry the bot token, so they go only to Slack's file hosts (or the configured emulator):
an event naming any other URL is refused before a connection is made, redirects are re-checked, sizes capped."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from integrations.slack.attachments import AttachmentError, download_attachments, token_may_go_to
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID
from integrations.slack.emulator.payloads import envelope
from tests.hardening.conftest import signed_headers

TOKEN = "xoxb-1111111111-2222222222-attachmenttoken"


class Recorder:
    """A local file server that records who asked and with which Authorization header."""

    def __init__(self, body: bytes = b"\x89PNG\r\n\x1a\n" + b"\0" * 100, redirect_to: str | None = None) -> None:
        self.hits: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                recorder.hits.append({"path": self.path, "auth": self.headers.get("Authorization")})
                if recorder.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", recorder.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(recorder.body)))
                self.end_headers()
                self.wfile.write(recorder.body)

        self.body, self.redirect_to = body, redirect_to
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorders() -> Iterator[list[Recorder]]:
    made: list[Recorder] = []
    yield made
    for recorder in made:
        recorder.close()


def meta(url: str, name: str = "logo.png") -> dict[str, Any]:
    return {"id": "F123", "name": name, "url_private_download": url, "size": 108}


@pytest.mark.parametrize(("url", "ok"), [
    ("https://files.slack.com/files-pri/T1-F1/logo.png", True),
    ("https://files-edge.slack.com/files-pri/T1-F1/logo.png", True),
    ("http://files.slack.com/files-pri/T1-F1/logo.png", False),  # not https
    ("https://files.slack.com:8443/x", False),
    ("https://files.slack.com.evil.example/x", False),
    ("https://evil.example/files.slack.com/x", False),
    ("https://169.254.169.254/latest/meta-data", False),
    ("file:///etc/passwd", False),
])
def test_only_slack_file_hosts_get_the_token(url: str, ok: bool) -> None:
    assert token_may_go_to(url, set()) is ok


def test_foreign_url_is_refused_before_any_connection(tmp_path: Path, recorders: list[Recorder]) -> None:
    attacker = Recorder()
    recorders.append(attacker)
    with pytest.raises(AttachmentError, match="isn't stored on Slack's file servers"):
        download_attachments([meta(f"{attacker.base}/steal")], TOKEN, tmp_path, api_base_url="https://slack.com/api/")
    assert attacker.hits == []


def test_emulator_origin_is_allowed_only_when_configured(tmp_path: Path, recorders: list[Recorder]) -> None:
    emulator = Recorder()
    recorders.append(emulator)
    [path] = download_attachments([meta(f"{emulator.base}/files/F123/logo.png")], TOKEN, tmp_path,
                                  api_base_url=f"{emulator.base}/api/")
    assert path.read_bytes() == emulator.body and emulator.hits[0]["auth"] == f"Bearer {TOKEN}"
    with pytest.raises(AttachmentError):
        download_attachments([meta(f"{emulator.base}/files/F123/logo.png")], TOKEN, tmp_path)
    assert len(emulator.hits) == 1


def test_redirect_to_another_host_is_not_followed(tmp_path: Path, recorders: list[Recorder]) -> None:
    attacker = Recorder()
    emulator = Recorder(redirect_to=f"{attacker.base}/steal")
    recorders += [attacker, emulator]
    with pytest.raises(AttachmentError, match="isn't stored on Slack's file servers"):
        download_attachments([meta(f"{emulator.base}/files/F1/a.png")], TOKEN, tmp_path,
                             api_base_url=f"{emulator.base}/api/")
    assert attacker.hits == [] and len(emulator.hits) == 1


def test_size_is_capped_while_streaming(tmp_path: Path, recorders: list[Recorder]) -> None:
    big = Recorder(body=b"\0" * (21 * 1024 * 1024))
    recorders.append(big)
    with pytest.raises(AttachmentError, match="over the 20 MB upload limit"):
        download_attachments([{**meta(f"{big.base}/f"), "size": 10}], TOKEN, tmp_path,
                             api_base_url=f"{big.base}/api/")
    assert not list(tmp_path.iterdir())


@pytest.mark.xdist_group("e2e")
def test_forged_file_url_in_a_slack_event_never_gets_the_token(stack: Any, recorders: list[Recorder],
                                                               http: Any) -> None:
    """Through the running app: a signed message event whose file points elsewhere gets a note, not a download."""
    attacker = Recorder()
    recorders.append(attacker)
    person = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, f"<@{stack.emulator.workspace.bot_user_id}>"
                                         " here is our logo")
    event = {"type": "app_mention", "user": MARKETER_ID, "text": person["text"], "ts": person["ts"],
             "channel": DRAMA_CHANNEL_ID, "event_ts": person["ts"],
             "files": [meta(f"{attacker.base}/steal")]}
    body = json.dumps(envelope(stack.emulator.workspace, event, "verification-token")).encode()
    assert http.post(stack.server.url, content=body, headers=signed_headers(body)).status_code == 200
    note = stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, person["ts"], person["ts"], timeout=30)
    assert "isn't stored on Slack's file servers" in note["text"]
    assert attacker.hits == []
