"""Where the TikTok publisher remembers publish_ids across crashes, keyed by idempotency key.

A crash between init and upload must resume the same publish_id (TikTok's init is rate-limited and each init is a
would-be post), so the record is on disk before the upload starts. One small JSON file per key, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
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
