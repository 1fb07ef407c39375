"""Serve a platform stand-in on 127.0.0.1 for the length of a `with` block (the demo's and the tests' shared way).

Every local stand-in (TikTok, YouTube, the Graph API, LinkedIn) is a `BaseHTTPRequestHandler` reading its state from
`self.server.state`; this module owns the one server/thread lifecycle they all need, so a new stand-in is its
handler and its state, nothing else.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

State = TypeVar("State")


class JsonStandInHandler(BaseHTTPRequestHandler):
    """A stand-in's handler: quiet, answering JSON (an empty body for `None`) with the platform's content type."""

    content_type = "application/json"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class StandInServer(ThreadingHTTPServer):
    """A threaded HTTP server carrying its stand-in's state (handlers read `self.server.state`)."""

    daemon_threads = True
    state: Any


@contextmanager
def serve_locally(handler: type[BaseHTTPRequestHandler], make_state: Callable[[str], State]) -> Iterator[State]:
    """Run `handler` on a free port of 127.0.0.1; `make_state(base_url)` builds the state the block receives."""
    server = StandInServer(("127.0.0.1", 0), handler)
    server.state = make_state(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
