"""Where the publishers remember their progress across crashes, keyed by idempotency key.

A crash between init and upload must resume the same publish_id (TikTok's init is rate-limited and each init is a
would-be post), so the record is on disk before the upload starts. One small JSON file per key, written atomically.
`Resumable` is what the Facebook, Instagram and LinkedIn publishers share on top: the saved record and the bounded
status poll, so all of them resume and give up the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol


class PublishState(Protocol):
    """A tiny key-value store for publish records (a DB-backed one can replace the file one)."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The record for an idempotency key, or None."""
        ...

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Save the record durably before returning."""
        ...


class JsonFileState:
    """Records as `<dir>/<sha256(key)[:32]>.json` (keys contain ':' and may be long)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """Read a record; a missing or unreadable file means 'never started'."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("key") == key else None

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Write via temp file + fsync + rename so a crash leaves the old record or the new one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._path(key)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({**record, "key": key}, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)


def default_state(state_dir: Path | None, cliffhanger_home: Path | str | None, platform: str) -> JsonFileState:
    """A plug-in's publish state: its own setting, else `<home>/<platform>-state`."""
    return JsonFileState(state_dir or Path(cliffhanger_home or ".cliffhanger") / f"{platform}-state")


class Resumable:
    """Base of a publisher that resumes from its saved record and polls the platform's processing with a bound."""

    def __init__(self, state: PublishState, *, poll_interval_s: float = 5.0, poll_timeout_s: float = 600.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.state = state
        self.poll_interval_s, self.poll_timeout_s, self.sleep = poll_interval_s, poll_timeout_s, sleep

    def saved(self, key: str) -> dict[str, Any]:
        """The record so far (empty: never started), as a copy the steps fill in and save."""
        return dict(self.state.get(key) or {})

    def waits(self) -> Iterator[float]:
        """Seconds waited so far, once per status check, sleeping between checks; ends after poll_timeout_s (the
        caller then raises its retryable "still processing": the next attempt checks again)."""
        waited = 0.0
        while True:
            yield waited
            if waited >= self.poll_timeout_s:
                return
            self.sleep(self.poll_interval_s)
            waited += self.poll_interval_s
