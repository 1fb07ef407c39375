"""``SlackEmulator``: a local Slack Web API on 127.0.0.1 that slack-sdk and Bolt talk to unchanged.

Why a real HTTP server rather than a mocked client: the app's own WebClient (retries, JSON vs form encoding,
files_upload_v2's three steps, Bolt's auth.test and self-event filter) runs exactly as against Slack, so the tests
and the demo exercise the same code as production. The emulator also plays the humans' side of the workspace
(their messages and reactions land in the same store), which ``EventSender`` uses to deliver events.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from integrations.slack.emulator.faults import Faults, Predicate
from integrations.slack.emulator.http_handler import EmulatorHTTPServer
from integrations.slack.emulator.methods import Handler, method_handlers
from integrations.slack.emulator.rate_limits import RateLimits
from integrations.slack.emulator.store import (
    EmulatorStore,
    Message,
    RecordedCall,
    SlackMethodError,
    StoredFile,
)
from integrations.slack.emulator.workspace import Workspace

MessagePredicate = Callable[[Message], bool]


class SlackEmulator:
    """A fake Slack workspace + Web API server; use as a context manager or ``start()``/``stop()``.

    Args:
        workspace: people, channels and bot identity (defaults: U_MARKETER, U_APPROVER, U_OTHER, C_DRAMA, UBOT).
        files_dir: also write uploaded bytes here (they are always kept in memory).
        ts_start: make message ts deterministic, starting after this epoch second; default follows the clock.
        require_token: answer ``not_authed`` to calls without a token, as Slack does.
        port: 0 picks a free ephemeral port.
    """

    def __init__(self, workspace: Workspace | None = None, *, files_dir: Path | None = None,
                 ts_start: float | None = None, require_token: bool = True, port: int = 0) -> None:
        self.workspace = workspace or Workspace()
        self.store = EmulatorStore(ts_start=ts_start, files_dir=files_dir)
        self.rate_limits = RateLimits()
        self.faults = Faults()
        self.handlers: dict[str, Handler] = method_handlers()
        self.require_token = require_token
        self._port = port
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._response_urls: dict[str, dict[str, Any]] = {}

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self so ``emu = SlackEmulator().start()`` reads well."""
        if self._server is not None:
            return self
        self._server = EmulatorHTTPServer(("127.0.0.1", self._port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="slack-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (idempotent)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (only while started)."""
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT/`` — where upload URLs, file URLs and response_urls live."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` — give it to ``WebClient(base_url=...)``."""
        return f"{self.root_url}api/"

    # -- configuration --------------------------------------------------------------------------------
    def register_method(self, method: str, handler: Handler) -> None:
        """Add or override one Web API method for this emulator only."""
        self.handlers[method] = handler

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"`` for any) answer 429 with ``Retry-After``."""
        self.rate_limits.limit(method, times, retry_after)

    def fail(self, method: str, times: int = 1, status: int = 500, when: Predicate | None = None) -> None:
        """Make the next ``times`` calls of ``method`` (matching ``when``; ``times=-1``: until cleared) answer
        HTTP ``status`` — a Slack outage for one method, e.g. ``files.getUploadURLExternal``."""
        self.faults.fail(method, times, status, when)

    # -- reading the record ---------------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, oldest first (a snapshot)."""
        with self.store.cond:
            return list(self.store.calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The calls of one method (``"upload"`` for raw upload POSTs, ``"response_url"`` for response_urls)."""
        return [call for call in self.calls if call.method == method]

    def messages(self, channel: str | None = None, thread_ts: str | None = None) -> list[Message]:
        """Stored messages (copies with a ``channel`` key), oldest first; one thread = parent + replies."""
        return self.store.select(channel, thread_ts)

    def message(self, channel: str, ts: str) -> Message | None:
        """One stored message (a copy), or None."""
        with self.store.cond:
            found = self.store.find(channel, ts)
            return {**copy.deepcopy(found), "channel": channel} if found else None

    def files(self) -> list[StoredFile]:
        """Files whose upload completed, in upload order (``.data`` holds the bytes, ``.path`` the copy)."""
        with self.store.cond:
            return [f for f in self.store.files.values() if f.completed]

    def ephemerals(self, user: str | None = None) -> list[Message]:
        """Ephemeral messages (copies), optionally only those shown to ``user``."""
        with self.store.cond:
            return [copy.deepcopy(m) for m in self.store.ephemerals if user is None or m["ephemeral_user"] == user]

    def views(self) -> list[dict[str, Any]]:
        """Modals and home tabs opened/published so far (copies)."""
        with self.store.cond:
            return copy.deepcopy(list(self.store.views.values()))

    def assistant_state(self, channel: str, thread_ts: str) -> dict[str, Any]:
        """Latest status / suggested prompts / title set on an assistant thread."""
        with self.store.cond:
            return copy.deepcopy(self.store.assistant_threads.get((channel, thread_ts), {}))

    # -- waiting --------------------------------------------------------------------------------------
    def wait_for(self, predicate: MessagePredicate, timeout: float = 10.0, *, channel: str | None = None,
                 thread_ts: str | None = None) -> Message:
        """The first stored message matching ``predicate``, waiting up to ``timeout`` s; TimeoutError otherwise."""
        def check() -> Message | None:
            return next(iter(self.store.select(channel, thread_ts, predicate)), None)

        found = self.store.wait(check, timeout)
        if found is None:
            recent = [(m.get("user"), str(m.get("text", ""))[:60]) for m in self.messages(channel, thread_ts)[-5:]]
            raise TimeoutError(f"no matching message after {timeout}s; latest: {recent}")
        return found

    def wait_for_bot_reply(self, channel: str, thread_ts: str | None, after_ts: str,
                           timeout: float = 10.0) -> Message:
        """The bot's first message in the thread (or channel) newer than ``after_ts`` — a scripted user's cue."""
        bot = self.workspace.bot_user_id
        return self.wait_for(lambda m: m.get("user") == bot and float(m["ts"]) > float(after_ts),
                             timeout, channel=channel, thread_ts=thread_ts)

    def wait_for_call(self, method: str, predicate: Callable[[RecordedCall], bool] | None = None,
                      timeout: float = 10.0) -> RecordedCall:
        """The first recorded call of ``method`` matching ``predicate``; TimeoutError otherwise."""
        def check() -> RecordedCall | None:
            return next((c for c in self.store.calls
                         if c.method == method and (predicate is None or predicate(c))), None)

        found = self.store.wait(check, timeout)
        if found is None:
            raise TimeoutError(f"no {method} call after {timeout}s")
        return found

    # -- the humans' side (used by EventSender) -------------------------------------------------------
    def post_as_user(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Message:
        """Store a person's message as Slack would (ts assigned, threaded); returns a copy with ``channel``."""
        if user not in self.workspace.users:
            raise KeyError(f"unknown user {user}")
        if channel not in self.workspace.channels:
            raise KeyError(f"unknown channel {channel}")
        message = {"user": user, "text": text, "team": self.workspace.team_id,
                   "client_msg_id": str(uuid.uuid4()), "blocks": _rich_text(text)}
        stored = self.store.add_message(channel, message, thread_ts=thread_ts)
        return {**copy.deepcopy(stored), "channel": channel}

    def share_file_as_user(self, user: str, channel: str, path: Path, text: str = "",
                           thread_ts: str | None = None) -> Message:
        """A person attaches a file to a message (subtype file_share), as the Slack client does."""
        data = Path(path).read_bytes()
        file_id = self.store.next_id("F")
        stored_file = StoredFile(id=file_id, name=Path(path).name, title=Path(path).name, length=len(data),
                                 user=user, created=int(time.time()), data=data, completed=True)
        with self.store.cond:
            self.store.files[file_id] = stored_file
        message = {"user": user, "text": text, "team": self.workspace.team_id, "subtype": "file_share",
                   "client_msg_id": str(uuid.uuid4()), "blocks": _rich_text(text) if text else [],
                   "files": [stored_file.to_slack(self.root_url)], "upload": True}
        stored = self.store.add_message(channel, message, thread_ts=thread_ts)
        return {**copy.deepcopy(stored), "channel": channel}

    def react(self, user: str, channel: str, ts: str, name: str) -> Message:
        """Record a person's reaction on a message; returns the message (copy) after the change."""
        return {**copy.deepcopy(self.store.add_reaction(channel, ts, name, user)), "channel": channel}

    def unreact(self, user: str, channel: str, ts: str, name: str) -> Message:
        """Take a person's reaction back."""
        return {**copy.deepcopy(self.store.remove_reaction(channel, ts, name, user)), "channel": channel}

    def issue_trigger(self, user: str) -> str:
        """A trigger_id for an interaction by ``user`` (views.open accepts only issued ones)."""
        trigger_id = f"{self.store.next_id('TR')}.{uuid.uuid4().hex[:12]}"
        with self.store.cond:
            self.store.triggers[trigger_id] = user
        return trigger_id

    def issue_response_url(self, user: str, channel: str | None, message_ts: str | None,
                           thread_ts: str | None) -> str:
        """A response_url for an interaction; POSTs to it act on the clicked message."""
        response_id = uuid.uuid4().hex
        with self.store.cond:
            self._response_urls[response_id] = {"user": user, "channel": channel, "message_ts": message_ts,
                                                "thread_ts": thread_ts}
        return f"{self.root_url}response/{response_id}"

    def apply_response_url(self, response_id: str, payload: dict[str, Any]) -> None:
        """Carry out a response_url POST: delete / replace the original, or post in-channel / ephemerally."""
        with self.store.cond:
            target = self._response_urls[response_id]
            channel, ts = target["channel"], target["message_ts"]
            if payload.get("delete_original") and channel and ts:
                self.store.delete_message(channel, ts)
                return
            content = {k: payload[k] for k in ("text", "blocks", "attachments") if k in payload}
            if payload.get("replace_original") and channel and ts:
                original = self.store.find(channel, ts)
                if original is None:
                    raise SlackMethodError("message_not_found")
                original.update(content)
                self.store.cond.notify_all()
                return
            ws = self.workspace
            message = {"user": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": ws.app_id, "team": ws.team_id,
                       "text": "", **content}
            thread = payload.get("thread_ts") or target["thread_ts"]
            if payload.get("response_type") == "in_channel" and channel:
                self.store.add_message(channel, message, thread_ts=thread)
            else:
                message.update({"ts": self.store.next_ts(), "channel": channel, "thread_ts": thread,
                                "ephemeral_user": target["user"]})
                self.store.ephemerals.append(message)
                self.store.cond.notify_all()


def _rich_text(text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack attaches to typed messages (one text run; enough for parsers)."""
    return [{"type": "rich_text", "block_id": uuid.uuid4().hex[:5],
             "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}]
