"""Direct google-genai calls (portraits, speech): one way to build the client and one retry policy — back off on
429/5xx, stop at once on a rejected key, and never let the key into an error message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from google import genai
from google.genai import types

from agent.brain.errors import KeyRejectedError
from integrations.gemini.client import KEY_REJECTED, RETRYABLE, _api_error, _is_key_rejection

T = TypeVar("T")


def genai_client(api_key: str, base_url: str | None = None) -> genai.Client:
    """A google-genai client pinned to v1beta (the stand-in in tests when `base_url` is given; no network yet)."""
    options = types.HttpOptions(api_version="v1beta", base_url=base_url) if base_url else \
        types.HttpOptions(api_version="v1beta")
    return genai.Client(api_key=api_key, http_options=options)


def call_with_backoff(request: Callable[[], T], *, attempts: int, backoff_s: float, sleep: Callable[[float], None],
                      secret: str, failure: Callable[[str], Exception], what: str) -> T:
    """Run `request`, retrying retryable HTTP errors with doubling delays; `failure(message)` builds the final error."""
    delay = backoff_s
    for attempt in range(1, attempts + 1):
        try:
            return request()
        except Exception as exc:  # noqa: BLE001 - classified below
            api = _api_error(exc)
            if api is not None and _is_key_rejection(api):
                raise KeyRejectedError(KEY_REJECTED.format(code=api.code)) from None
            if api is None or api.code not in RETRYABLE or attempt == attempts:
                detail = f"HTTP {api.code}" if api is not None else type(exc).__name__
                message = f"{what} failed ({detail}) after {attempt} tries."
                raise failure(message.replace(secret, "***") if secret else message) from None
            sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
