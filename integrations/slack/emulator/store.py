"""Everything the emulator remembers: calls, messages (Slack-shaped dicts), reactions, files and views.

One lock guards it all because the HTTP server answers on many threads while a test or the demo reads from
another; a Condition on that lock lets readers wait for the bot to speak instead of sleeping.
"""

from __future__ import annotations

import copy
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Message = dict[str, Any]


class SlackMethodError(Exception):
    """A Web API failure the emulator reports as ``{"ok": false, "error": code}`` (HTTP 200, like Slack)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as the emulator saw it (params already decoded from JSON, form or query)."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    response: dict[str, Any] | None = None
    token: str | None = None


@dataclass
class StoredFile:
    """An uploaded file: the bytes (in memory, and on disk when the emulator has a files folder) plus metadata."""

    id: str
    name: str
    title: str
    length: int
    user: str
    created: int
    data: bytes | None = None
    path: Path | None = None
    completed: bool = False
    shares: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    @property
    def mimetype(self) -> str:
        """Guessed from the file name, as Slack does for uploads without an explicit type."""
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def filetype(self) -> str:
        """Slack's short type (``mp4``, ``png``…): the extension."""
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"

    def to_slack(self, root_url: str) -> dict[str, Any]:
        """The file object files.info and files.completeUploadExternal answer with (URLs served by us)."""
        url = f"{root_url}files/{self.id}/{self.name}"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": self.filetype,
            "pretty_type": self.filetype.upper(),
            "user": self.user,
            "size": len(self.data) if self.data is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": True,
            "url_private": url,
            "url_private_download": url,
            "permalink": url,
            "shares": copy.deepcopy(self.shares),
            "channels": [c for c, _ in self.shares.get("public", {}).items()],
        }


class TsClock:
    """Unique, increasing message timestamps (``"1700000000.000100"`` style) shared by bot and humans.

    With ``start`` the sequence is deterministic (start + 100 µs per message); without it, ts follow the wall
    clock so rendered threads show real times, still never repeating.
    """

    def __init__(self, start: float | None = None) -> None:
        self._fixed = start is not None
        self._last = int(start * 1_000_000) if start is not None else 0

    def next(self) -> str:
        """Issue the next ts (callers hold the store lock)."""
        step = 100
        if self._fixed:
            self._last += step
        else:
            now = int(time.time() * 1_000_000) // step * step
            self._last = max(now, self._last + step)
        return f"{self._last // 1_000_000}.{self._last % 1_000_000:06d}"


class EmulatorStore:
    """Thread-safe record of the fake workspace's content and of every call made to it."""

    def __init__(self, ts_start: float | None = None, files_dir: Path | None = None) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.clock = TsClock(ts_start)
        self.files_dir = files_dir
        self.calls: list[RecordedCall] = []
        self.channel_messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Message] = []
        self.files: dict[str, StoredFile] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.triggers: dict[str, str] = {}
        self.assistant_threads: dict[tuple[str, str], dict[str, Any]] = {}
        self._counters: dict[str, int] = {}

    # -- ids ------------------------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        """A fresh id like ``F000001`` / ``V000002`` (per prefix, per emulator)."""
        with self.cond:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            return f"{prefix}{self._counters[prefix]:06d}"

    def next_ts(self) -> str:
        """A fresh message ts."""
        with self.cond:
            return self.clock.next()

    # -- calls ----------------------------------------------------------------------------------------
    def record_call(self, call: RecordedCall) -> None:
        """Append a call and wake waiters (tests may wait for e.g. assistant.threads.setStatus)."""
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()

    # -- messages -------------------------------------------------------------------------------------
    def find(self, channel: str, ts: str) -> Message | None:
        """The live message dict (callers hold the lock while mutating it)."""
        with self.cond:
            for message in self.channel_messages.get(channel, []):
                if message["ts"] == ts:
                    return message
            return None

    def thread_root(self, channel: str, ts: str) -> Message | None:
        """The parent of the thread ``ts`` belongs to (``ts`` may be the parent or any reply)."""
        with self.cond:
            message = self.find(channel, ts)
            if message is None:
                return None
            parent_ts = message.get("thread_ts")
            if parent_ts and parent_ts != ts:
                return self.find(channel, parent_ts)
            return message

    def add_message(self, channel: str, message: Message, thread_ts: str | None = None) -> Message:
        """Store a new message (assigning its ts), threading it under ``thread_ts``'s root when given."""
        with self.cond:
            ts = self.next_ts()
            message = {**message, "ts": ts, "type": "message"}
            if thread_ts:
                root = self.thread_root(channel, thread_ts)
                if root is None:
                    raise SlackMethodError("thread_not_found")
                message["thread_ts"] = root["ts"]
                message["parent_user_id"] = root.get("user")
                self._bump_thread(root, message)
            self.channel_messages.setdefault(channel, []).append(message)
            self.cond.notify_all()
            return message

    @staticmethod
    def _bump_thread(root: Message, reply: Message) -> None:
        """Keep the parent's thread summary (reply_count, reply_users, latest_reply) as Slack does."""
        root["thread_ts"] = root["ts"]
        root["reply_count"] = root.get("reply_count", 0) + 1
        users = root.setdefault("reply_users", [])
        if reply.get("user") and reply["user"] not in users:
            users.append(reply["user"])
        root["reply_users_count"] = len(users)
        root["latest_reply"] = reply["ts"]

    def delete_message(self, channel: str, ts: str) -> None:
        """Remove one message; a deleted parent keeps its replies (Slack shows "This message was deleted")."""
        with self.cond:
            messages = self.channel_messages.get(channel, [])
            for index, message in enumerate(messages):
                if message["ts"] == ts:
                    if message.get("reply_count"):
                        message.update({"subtype": "tombstone", "text": "This message was deleted.",
                                        "blocks": [], "files": []})
                    else:
                        del messages[index]
                    self.cond.notify_all()
                    return
            raise SlackMethodError("message_not_found")

    def thread(self, channel: str, ts: str) -> list[Message]:
        """Parent + replies, oldest first (copies)."""
        with self.cond:
            root = self.thread_root(channel, ts)
            if root is None:
                raise SlackMethodError("thread_not_found")
            root_ts = root["ts"]
            out = [m for m in self.channel_messages.get(channel, [])
                   if m["ts"] == root_ts or m.get("thread_ts") == root_ts]
            return copy.deepcopy(out)

    def select(self, channel: str | None = None, thread_ts: str | None = None,
               predicate: Callable[[Message], bool] | None = None) -> list[Message]:
        """Messages (copies) in ts order, optionally one channel / one thread / matching a predicate."""
        with self.cond:
            chans = [channel] if channel else list(self.channel_messages)
            found = []
            for chan in chans:
                for message in self.channel_messages.get(chan, []):
                    if thread_ts and not (message["ts"] == thread_ts or message.get("thread_ts") == thread_ts):
                        continue
                    found.append({**copy.deepcopy(message), "channel": chan})
            found.sort(key=lambda m: float(m["ts"]))
            return [m for m in found if predicate is None or predicate(m)]

    # -- reactions ------------------------------------------------------------------------------------
    def add_reaction(self, channel: str, ts: str, name: str, user: str) -> Message:
        """Record ``user`` reacting ``name`` (one reaction per user per name, like Slack)."""
        with self.cond:
            message = self.find(channel, ts)
            if message is None:
                raise SlackMethodError("message_not_found")
            reactions = message.setdefault("reactions", [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            if user in entry["users"]:
                raise SlackMethodError("already_reacted")
            entry["users"].append(user)
            entry["count"] = len(entry["users"])
            self.cond.notify_all()
            return message

    def remove_reaction(self, channel: str, ts: str, name: str, user: str) -> Message:
        """Undo a reaction; refuses one that was never there (``no_reaction``)."""
        with self.cond:
            message = self.find(channel, ts)
            if message is None:
                raise SlackMethodError("message_not_found")
            reactions = message.get("reactions", [])
            entry = next((r for r in reactions if r["name"] == name and user in r["users"]), None)
            if entry is None:
                raise SlackMethodError("no_reaction")
            entry["users"].remove(user)
            entry["count"] = len(entry["users"])
            if not entry["users"]:
                reactions.remove(entry)
            if not reactions:
                message.pop("reactions", None)
            self.cond.notify_all()
            return message

    # -- files ----------------------------------------------------------------------------------------
    def save_upload(self, file_id: str, data: bytes) -> StoredFile:
        """Keep the bytes POSTed to an upload URL (and write them to the files folder when there is one)."""
        with self.cond:
            stored = self.files.get(file_id)
            if stored is None:
                raise SlackMethodError("file_not_found")
            stored.data = data
            if self.files_dir is not None:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                stored.path = self.files_dir / f"{file_id}_{Path(stored.name).name}"
                stored.path.write_bytes(data)
            self.cond.notify_all()
            return stored

    # -- waiting --------------------------------------------------------------------------------------
    def wait(self, check: Callable[[], Any], timeout: float) -> Any:
        """Block until ``check()`` returns something truthy (re-checked on every change) or time runs out."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                result = check()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.cond.wait(remaining)
