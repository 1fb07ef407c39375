"""Scripted server errors (HTTP 5xx), so failure handling can be tested against the real wire behaviour.

``faults.fail("files.getUploadURLExternal", times=3)`` makes the next three calls of that Web API method answer
500; ``fail("upload", …)`` does the same for the raw bytes step of ``files_upload_v2``. An optional ``when``
predicate on the call's parameters narrows it (e.g. only the upload of ``ep04-v2.mp4``), so other traffic — a
campaign upload running at the same time — is not hit by a fault meant for one file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]


@dataclass
class _Fault:
    remaining: int
    status: int
    when: Predicate | None


class Faults:
    """Per-method budgets of 5xx answers (``times=-1``: until cleared)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, _Fault] = {}

    def fail(self, method: str, times: int = 1, status: int = 500, when: Predicate | None = None) -> None:
        """Answer the next ``times`` matching calls of ``method`` with HTTP ``status``."""
        with self._lock:
            self._pending[method] = _Fault(times, status, when)

    def take(self, method: str, params: dict[str, Any]) -> int | None:
        """The status to answer with if this call must fail, else None (consumes one from the budget)."""
        with self._lock:
            fault = self._pending.get(method)
            if fault is None or (fault.when is not None and not fault.when(params)):
                return None
            if fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    del self._pending[method]
            return fault.status

    def clear(self, method: str | None = None) -> None:
        """Forget one method's scripted faults, or all of them."""
        with self._lock:
            if method is None:
                self._pending.clear()
            else:
                self._pending.pop(method, None)
