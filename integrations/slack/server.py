"""HTTP mode under a production ASGI server (uvicorn): /slack/events and a health endpoint.

Bolt's ASGI adapter dispatches synchronously; we run the dispatch in a worker thread so one slow request never
blocks the event loop, which keeps acks well under Slack's 3 s.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.response import BoltResponse


class ThreadedSlackHandler(SlackRequestHandler):
    """Bolt's ASGI handler, with dispatch off the event loop and a /healthz route."""

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:  # type: ignore[override]
        from slack_bolt.request import BoltRequest

        body = await request.get_raw_body()
        bolt_request = BoltRequest(body=body, query=request.query_string, headers=request.get_headers())
        return await asyncio.to_thread(self.app.dispatch, bolt_request)

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
        config = uvicorn.Config(ThreadedSlackHandler(app), host=host, port=port, log_level="warning",
                                lifespan="off")
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

    def serve_forever(self) -> None:
        """Foreground serving."""
        self.server.run()
