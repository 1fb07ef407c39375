"""The HTTP face of the emulator: routes Web API calls, raw file uploads, file downloads and response_urls.

Routes:
- ``POST|GET /api/<method>``  → a registered handler (or the recording catch-all), JSON answer, HTTP 200;
  HTTP 429 + ``Retry-After`` when a rate limit was scripted for that method, a 5xx when a fault was.
- ``POST /upload/<file_id>``  → the raw bytes step of ``files_upload_v2``; answers ``OK - <size>`` like Slack.
- ``GET /files/<file_id>/<name>`` → the uploaded bytes (url_private of the file object).
- ``POST /response/<id>``     → an interaction's response_url (ephemeral / in-channel / replace / delete).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from integrations.slack.emulator.methods import MethodContext
from integrations.slack.emulator.request_parsing import basic_credentials, bearer_token, parse_params
from integrations.slack.emulator.store import RecordedCall, SlackMethodError

if TYPE_CHECKING:
    from integrations.slack.emulator.server import SlackEmulator

logger = logging.getLogger(__name__)


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading server that knows its emulator (handlers are created per request by http.server)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: SlackEmulator) -> None:
        super().__init__(address, EmulatorRequestHandler)
        self.emulator = emulator


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    """One request; all state lives on the emulator (``self.server.emulator``)."""

    server: EmulatorHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Route access logs to logging at DEBUG instead of stderr (tests stay quiet)."""
        logger.debug("slack-emulator: " + format, *args)

    # -- plumbing -------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers)

    # -- routing --------------------------------------------------------------------------------------
    def do_POST(self) -> None:
        """Dispatch a POST by path prefix."""
        self._route(self._body())

    def do_GET(self) -> None:
        """GET works for Web API methods too (Slack accepts both) and serves uploaded files."""
        self._route(b"")

    def _route(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/api/"):
            self._api(path[len("/api/"):], body, parts.query)
        elif path.startswith("/upload/") and self.command == "POST":
            self._upload(path[len("/upload/"):], body)
        elif path.startswith("/files/"):
            self._download(path[len("/files/"):])
        elif path.startswith("/response/") and self.command == "POST":
            self._response_url(path[len("/response/"):], body)
        else:
            self._send_json(404, {"ok": False, "error": "unknown_path"})

    # -- Web API --------------------------------------------------------------------------------------
    def _api(self, method: str, body: bytes, query: str) -> None:
        emulator = self.server.emulator
        try:
            params = parse_params(self.headers.get("Content-Type"), body, query)
        except (ValueError, UnicodeDecodeError):
            self._finish_api(method, {}, None, 200, {"ok": False, "error": "invalid_json"})
            return
        token = bearer_token(self.headers.get("Authorization"), params)
        params.pop("token", None)
        params.update(basic_credentials(self.headers.get("Authorization")))
        retry_after = emulator.rate_limits.take(method)
        if retry_after is not None:
            self._finish_api(method, params, token, 429, {"ok": False, "error": "ratelimited"},
                             {"Retry-After": str(retry_after)})
            return
        failure = emulator.faults.take(method, params)  # a scripted 5xx (see faults.py)
        if failure is not None:
            self._finish_api(method, params, token, failure, {"ok": False, "error": "internal_error"})
            return
        if emulator.require_token and not token and not method.startswith("oauth."):  # oauth.*: client credentials
            self._finish_api(method, params, token, 200, {"ok": False, "error": "not_authed"})
            return
        handler = emulator.handlers.get(method)
        ctx = MethodContext(emulator.store, emulator.workspace, emulator.root_url, token)
        status = 200
        try:
            response = handler(ctx, params) if handler else {"ok": True}
        except SlackMethodError as exc:
            response = {"ok": False, "error": exc.code}
        except Exception:  # noqa: BLE001 - the emulator must answer even when a handler has a bug; the trace is logged
            logger.error("slack-emulator: %s failed\n%s", method, traceback.format_exc())
            status, response = 500, {"ok": False, "error": "internal_error"}
        self._finish_api(method, params, token, status, response)

    def _finish_api(self, method: str, params: dict[str, Any], token: str | None, status: int,
                    response: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Record the call before answering, so a client that saw the answer always finds the record."""
        self.server.emulator.store.record_call(
            RecordedCall(method, params, time.time(), status, response, token))
        self._send_json(status, response, headers)

    # -- files ----------------------------------------------------------------------------------------
    def _upload(self, file_id: str, body: bytes) -> None:
        store = self.server.emulator.store
        try:
            store.save_upload(file_id, body)
        except SlackMethodError:
            self._send(404, b"file_not_found", "text/plain")
            return
        store.record_call(RecordedCall("upload", {"file_id": file_id, "size": len(body)}, time.time()))
        self._send(200, f"OK - {len(body)}".encode(), "text/plain; charset=utf-8")

    def _download(self, rest: str) -> None:
        file_id = rest.split("/", 1)[0]
        stored = self.server.emulator.store.files.get(file_id)
        if stored is None or stored.data is None:
            self._send(404, b"file_not_found", "text/plain")
            return
        self._send(200, stored.data, stored.mimetype)

    # -- response_url ---------------------------------------------------------------------------------
    def _response_url(self, response_id: str, body: bytes) -> None:
        emulator = self.server.emulator
        try:
            payload = json.loads(body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            self._send(400, b"invalid_payload", "text/plain")
            return
        emulator.store.record_call(RecordedCall("response_url", {"id": response_id, **payload}, time.time()))
        try:
            emulator.apply_response_url(response_id, payload)
        except (KeyError, SlackMethodError) as exc:
            self._send(404, str(exc).encode(), "text/plain")
            return
        self._send(200, b"ok", "text/plain")
