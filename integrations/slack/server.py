"""HTTP mode under a production ASGI server (uvicorn): /slack/events, /healthz, and in OAuth mode the install
routes (GET /slack/install, GET /slack/oauth_redirect — Bolt's ASGI adapter routes them when the app has an
OAuth flow).

Every POST is screened first (integrations/slack/request_guard.py): signature on the raw bytes → 401, then shape →
400, so nothing unsigned is ever parsed and malformed bodies never reach Bolt's parser (no 500, no traceback).

Bolt's ASGI adapter dispatches synchronously; we run every dispatch (events, install, OAuth callback — the last
two touch the database and call oauth.v2.access) in a worker thread so one slow request never blocks the event
loop, which keeps acks well under Slack's 3 s.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from integrations.slack.request_guard import MAX_BODY_BYTES, Refusal, screen

log = logging.getLogger(__name__)


async def _raw_body(request: AsgiHttpRequest) -> bytes | None:
    """The body's bytes (None when the client went away or sent more than we accept; never decoded here)."""
    chunks = bytearray()
    while True:
        chunk = await request.receive()
        if chunk.get("type") != "http.request":
            return None
        chunks.extend(chunk.get("body", b""))
        if len(chunks) > MAX_BODY_BYTES:
            return None
        if not chunk.get("more_body", False):
            return bytes(chunks)


async def _bolt_request(request: AsgiHttpRequest) -> BoltRequest:
    """The BoltRequest for an ASGI GET (install and OAuth callback routes carry no body worth verifying)."""
    body = await request.get_raw_body()
    return BoltRequest(body=body, query=request.query_string, headers=request.get_headers())


def _refuse(refusal: Refusal) -> BoltResponse:
    return BoltResponse(status=refusal.status, body=refusal.reason, headers={"content-type": "text/plain"})


class ThreadedSlackHandler(SlackRequestHandler):
    """Bolt's ASGI handler, with dispatch off the event loop and a /healthz route.

    Dispatches run on their own pool, sized for bursts: asyncio's default pool has cpu+4 threads (6 on 2 cores),
    so the 7th of 50 simultaneous events would wait for a free thread before even being verified.
    """

    def __init__(self, app: App, path: str = "/slack/events", dispatch_threads: int = 64,
                 signing_secret: str | None = None) -> None:
        super().__init__(app, path)
        # Bolt keeps the secret it verifies with privately; the guard must use the very same one.
        self.signing_secret = signing_secret or str(getattr(app, "_signing_secret", "") or "")
        self.executor = ThreadPoolExecutor(max_workers=dispatch_threads, thread_name_prefix="slack-dispatch")

    async def _in_thread(self, func: Callable[[BoltRequest], BoltResponse], request: AsgiHttpRequest) -> BoltResponse:
        bolt_request = await _bolt_request(request)
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, bolt_request)

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:  # type: ignore[override]
        """POST /slack/events: screen (401/400), then Bolt matches and acks — the listener runs later on its pool."""
        raw = await _raw_body(request)
        if raw is None:
            return _refuse(Refusal(413, "body too large or incomplete"))
        screened = screen(raw, request.get_headers(), self.signing_secret,  # type: ignore[arg-type]
                          query=request.query_string)
        if isinstance(screened, Refusal):
            log.info("refused a request to /slack/events: %s (HTTP %d)", screened.reason, screened.status)
            return _refuse(screened)
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._dispatch, screened)

    def _dispatch(self, request: BoltRequest) -> BoltResponse:
        """Bolt's dispatch; a signed request of a shape Bolt can't take is a 400 with one log line, not a 500."""
        try:
            return self.app.dispatch(request)
        except Exception as exc:  # noqa: BLE001 - the failure is described in one line; the sender gets 400
            log.warning("refused a signed but malformed Slack request: %s", type(exc).__name__)
            return _refuse(Refusal(400, "malformed Slack request"))

    async def handle_installation(self, request: AsgiHttpRequest) -> BoltResponse:  # type: ignore[override]
        """GET /slack/install: the "Add to Slack" page (state issued and stored), off the event loop."""
        assert self.app.oauth_flow is not None
        return await self._in_thread(self.app.oauth_flow.handle_installation, request)

    async def handle_callback(self, request: AsgiHttpRequest) -> BoltResponse:  # type: ignore[override]
        """GET /slack/oauth_redirect: state checked, code exchanged (oauth.v2.access), installation saved."""
        assert self.app.oauth_flow is not None
        return await self._in_thread(self.app.oauth_flow.handle_callback, request)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == "/healthz":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"ok": true}'})
            return
        await super().__call__(scope, receive, send)


class SlackHttpServer:
    """uvicorn serving the Bolt app in a background thread (demo/tests) or in the foreground (`cliffhanger slack`)."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 3000) -> None:
        # log_config=None: uvicorn's records go to the root handlers, which carry the secret-redacting filter.
        self.handler = ThreadedSlackHandler(app)
        config = uvicorn.Config(self.handler, host=host, port=port, log_level="warning",
                                lifespan="off", log_config=None)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        return self.server.servers[0].sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        """Events URL."""
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def root_url(self) -> str:
        """Where /slack/install, /slack/oauth_redirect and /healthz live."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SlackHttpServer:
        """Serve in a daemon thread and wait until bound."""
        self._thread = threading.Thread(target=self.server.run, daemon=True, name="slack-http")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("Slack HTTP server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Shut down and join."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.handler.executor.shutdown(wait=True)

    def serve_forever(self) -> None:
        """Foreground serving."""
        self.server.run()
