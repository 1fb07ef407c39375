"""Scripted HTTP 429s, so retry handlers can be tested against the real wire behaviour."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class _Pending:
    remaining: int
    retry_after: int


class RateLimits:
    """Per-method budgets of 429 answers: ``limit("chat.postMessage", times=2)`` makes the next two calls fail."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}

    def limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` (``"*"`` = any method) with 429 + Retry-After."""
        with self._lock:
            self._pending[method] = _Pending(times, retry_after)

    def take(self, method: str) -> int | None:
        """The Retry-After seconds if this call must be refused, else None (consumes one from the budget)."""
        with self._lock:
            for key in (method, "*"):
                pending = self._pending.get(key)
                if pending and pending.remaining > 0:
                    pending.remaining -= 1
                    if pending.remaining == 0:
                        del self._pending[key]
                    return pending.retry_after
            return None

    def clear(self) -> None:
        """Forget every scripted limit."""
        with self._lock:
            self._pending.clear()
