"""One retry policy for the HTTP clients of the adapters (TikTok, HeyGen), on tenacity.

Rate limits and server errors are worth another try; the server's Retry-After (seconds) wins over the exponential
backoff. After the last attempt the last *response* is handed back (the caller turns it into its own error with the
service's message) and a transport error is re-raised. `sleep` is injectable so tests run in milliseconds and can
read the delays.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
)

DEFAULT_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class _RetryAfterOrExponential:
    """Wait what the server's Retry-After says, else backoff_s × 2^(attempt − 1) (at most `max_s`)."""

    def __init__(self, backoff_s: float, max_s: float) -> None:
        self._fallback = wait_exponential(multiplier=backoff_s, max=max_s)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            retry_after = str(outcome.result().headers.get("Retry-After", ""))
            if retry_after.isdigit():
                return float(retry_after)
        return float(self._fallback(state))


def _last_outcome(state: RetryCallState) -> httpx.Response:
    """After the last attempt: its response, or its transport error raised again."""
    assert state.outcome is not None
    response: httpx.Response = state.outcome.result()
    return response


def http_retrying(*, attempts: int, backoff_s: float, sleep: Callable[[float], None] = time.sleep,
                  retry_statuses: Collection[int] = DEFAULT_RETRY_STATUSES, max_wait_s: float = 120.0) -> Retrying:
    """A tenacity Retrying for `retrying(client.request, method, url, …)` (see the module docstring)."""
    statuses = frozenset(retry_statuses)
    return Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=_RetryAfterOrExponential(backoff_s, max_wait_s),
        retry=retry_if_exception_type(httpx.TransportError)
        | retry_if_result(lambda response: response.status_code in statuses),
        retry_error_callback=_last_outcome,
        sleep=sleep,
    )
