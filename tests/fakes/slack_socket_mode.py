"""A local stand-in for Slack's Socket Mode WebSocket endpoint, speaking its envelope protocol.

What real Slack does, and this server does too:
- the app calls `apps.connections.open` (Web API, app-level token) and gets a `wss://…` URL (here `ws://127.0.0.1…`;
  `url_for_web_api()` is the JSON answer, to register on the Web API emulator);
- on connect the server sends `{"type": "hello", "num_connections": …, "connection_info": …, "debug_info": …}`;
- each event is an `events_api` envelope `{"envelope_id", "type": "events_api", "payload": <event_callback body>,
  "accepts_response_payload": false, "retry_attempt": n, "retry_reason": ""}`; the app must answer
  `{"envelope_id": …}` (the ack) within 3 s;
- `disconnect(reason="refresh_requested")` sends `{"type": "disconnect", "reason": …}` and closes the socket a
  moment later, like Slack's periodic refresh; the app opens a new connection;
- envelopes not acked when their connection goes away are delivered again on the next connection with
  `retry_attempt` + 1 and `retry_reason: "timeout"`; envelopes queued while no connection is open wait for one.
Every envelope sent and every ack received is recorded with its time, so tests can measure ack latency.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


@dataclass
class Envelope:
    """One events_api envelope and what happened to it."""

    envelope_id: str
    payload: dict[str, Any]
    retry_attempt: int = 0
    sent_at: list[float] = field(default_factory=list)
    acked_at: float | None = None

    def message(self) -> str:
        return json.dumps({"envelope_id": self.envelope_id, "type": "events_api", "payload": self.payload,
                           "accepts_response_payload": False, "retry_attempt": self.retry_attempt,
                           "retry_reason": "timeout" if self.retry_attempt else ""})

    @property
    def ack_ms(self) -> float | None:
        """Milliseconds from the last send to the ack."""
        return None if self.acked_at is None or not self.sent_at else (self.acked_at - self.sent_at[-1]) * 1000


class FakeSocketMode:
    """`with FakeSocketMode() as slack:` — a ws:// server in a background thread."""

    def __init__(self, app_id: str = "A0CLIFF") -> None:
        self.app_id = app_id
        self.envelopes: dict[str, Envelope] = {}
        self.connections_opened = 0
        self.hellos_sent = 0
        self.other_messages: list[str] = []
        self._pending: deque[Envelope] = deque()
        self._current: ServerConnection | None = None
        self._in_flight: dict[int, dict[str, Envelope]] = {}  # per connection number
        self._lock = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="fake-socket-mode")
        self._wakeup: asyncio.Event | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._wakeup = asyncio.Event()
        self._server = await serve(self._handle, "127.0.0.1", 0, ping_interval=None)

    def stop(self) -> None:
        async def _stop() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The WebSocket URL `apps.connections.open` hands out."""
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"

    def url_for_web_api(self) -> dict[str, Any]:
        """The `apps.connections.open` answer."""
        return {"ok": True, "url": self.url}

    # -- what tests do --------------------------------------------------------------------------------------
    def send(self, payload: dict[str, Any]) -> str:
        """Queue an events_api envelope around `payload` (an event_callback body); returns its envelope_id."""
        envelope = Envelope(envelope_id=str(uuid.uuid4()), payload=payload)
        with self._lock:
            self.envelopes[envelope.envelope_id] = envelope
            self._pending.append(envelope)
        self._poke()
        return envelope.envelope_id

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell the app to reconnect (Slack's refresh), then drop the socket a moment later."""
        async def _disconnect() -> None:
            connection = self._current
            if connection is None:
                return
            self._current = None
            try:
                await connection.send(json.dumps({"type": "disconnect", "reason": reason,
                                                  "debug_info": {"host": "fake-applink"}}))
                await asyncio.sleep(0.2)
                await connection.close()
            except ConnectionClosed:
                pass

        asyncio.run_coroutine_threadsafe(_disconnect(), self._loop).result(timeout=10)

    def wait_acked(self, envelope_ids: list[str], timeout: float = 10.0) -> bool:
        """True once every envelope is acked."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not all(self.envelopes[e].acked_at is not None for e in envelope_ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def wait_connections(self, count: int, timeout: float = 10.0) -> bool:
        """True once `count` connections have received their hello."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.hellos_sent < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    # -- server side ----------------------------------------------------------------------------------------
    def _poke(self) -> None:
        if self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def _handle(self, connection: ServerConnection) -> None:
        with self._lock:
            self.connections_opened += 1
            number = self.connections_opened
        self._current = connection
        await connection.send(json.dumps({
            "type": "hello", "num_connections": 1,
            "debug_info": {"host": "fake-applink", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id}}))
        with self._lock:
            self.hellos_sent += 1
            self._lock.notify_all()
        self._in_flight[number] = {}
        pump = asyncio.create_task(self._pump(connection, number))
        try:
            async for raw in connection:
                self._receive(raw)
        except ConnectionClosed:
            pass
        finally:
            pump.cancel()
            self._requeue_unacked(number)
            if self._current is connection:
                self._current = None

    async def _pump(self, connection: ServerConnection, number: int) -> None:
        """Send queued envelopes while this is the current connection."""
        assert self._wakeup is not None
        while True:
            while self._current is connection:
                with self._lock:
                    envelope = self._pending.popleft() if self._pending else None
                if envelope is None:
                    break
                envelope.sent_at.append(time.monotonic())
                self._in_flight[number][envelope.envelope_id] = envelope
                try:
                    await connection.send(envelope.message())
                except ConnectionClosed:
                    return
            self._wakeup.clear()
            await self._wakeup.wait()

    def _receive(self, raw: str | bytes) -> None:
        text = raw.decode() if isinstance(raw, bytes) else raw
        try:
            message = json.loads(text)
        except ValueError:
            self.other_messages.append(text)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        with self._lock:
            envelope = self.envelopes.get(str(envelope_id))
            if envelope is None:
                self.other_messages.append(text)
                return
            if envelope.acked_at is None:
                envelope.acked_at = time.monotonic()
            for flying in self._in_flight.values():
                flying.pop(envelope.envelope_id, None)
            self._lock.notify_all()

    def _requeue_unacked(self, number: int) -> None:
        """Slack redelivers what the closed connection never acked, on the next connection."""
        with self._lock:
            for envelope in self._in_flight.pop(number, {}).values():
                if envelope.acked_at is None:
                    envelope.retry_attempt += 1
                    self._pending.appendleft(envelope)
        self._poke()
