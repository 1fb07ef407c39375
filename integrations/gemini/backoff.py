"""Gemini calls share one way to build the google-genai client and one retry policy (tenacity) — back off on
429/5xx, stop at once on a rejected key, and never let the key into an error message. The structured-output
client (client.py) uses the same policy with its own classification."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from google import genai
from google.genai import types
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from agent.brain.errors import KeyRejectedError
from integrations.gemini.client import KEY_REJECTED, RETRYABLE, _api_error, _is_key_rejection

T = TypeVar("T")


def genai_client(api_key: str, base_url: str | None = None) -> genai.Client:
    """A google-genai client pinned to v1beta (the stand-in in tests when `base_url` is given; no network yet)."""
    options = types.HttpOptions(api_version="v1beta", base_url=base_url) if base_url else \
        types.HttpOptions(api_version="v1beta")
    return genai.Client(api_key=api_key, http_options=options)


def gemini_retrying(*, attempts: int, backoff_s: float, sleep: Callable[[float], None],
                    retryable: Callable[[BaseException], bool] | None = None,
                    before_sleep: Callable[[RetryCallState], None] | None = None) -> Retrying:
    """The Gemini retry policy on tenacity: doubling delays from `backoff_s`, `attempts` tries in all, retrying
    what `retryable` accepts (default: a 429/5xx API error) and re-raising the last exception for the caller to
    describe."""
    return Retrying(stop=stop_after_attempt(max(1, attempts)), wait=wait_exponential(multiplier=backoff_s, max=60),
                    retry=retry_if_exception(retryable or _busy), sleep=sleep, reraise=True,
                    before_sleep=before_sleep)


def _busy(exc: BaseException) -> bool:
    """A rate limit or a server error (a rejected key is never retried)."""
    api = _api_error(exc)
    return api is not None and not _is_key_rejection(api) and api.code in RETRYABLE


def call_with_backoff(request: Callable[[], T], *, attempts: int, backoff_s: float, sleep: Callable[[float], None],
                      secret: str, failure: Callable[[str], Exception], what: str) -> T:
    """Run `request` with the retry policy; `failure(message)` builds the final error (the key never in it)."""
    retrying = gemini_retrying(attempts=attempts, backoff_s=backoff_s, sleep=sleep)
    try:
        return retrying(request)
    except Exception as exc:  # noqa: BLE001 - classified below
        api = _api_error(exc)
        if api is not None and _is_key_rejection(api):
            raise KeyRejectedError(KEY_REJECTED.format(code=api.code)) from None
        tries = retrying.statistics.get("attempt_number", 1)
        detail = f"HTTP {api.code}" if api is not None else type(exc).__name__
        message = f"{what} failed ({detail}) after {tries} tries."
        raise failure(message.replace(secret, "***") if secret else message) from None


class GenaiCaller:
    """A google-genai client for one model plus the retry policy above: the construction and the call the image
    client (images.py) and the voice (tts.py) share, so both retry, classify and redact the same way."""

    def __init__(self, api_key: str, model: str, base_url: str | None = None, *, attempts: int = 3,
                 backoff_s: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        """Build the google-genai client (no network yet)."""
        self._client = genai_client(api_key, base_url)
        self._secret = api_key
        self.model = model
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self._sleep = sleep

    def _generate(self, contents: Any, config: types.GenerateContentConfig, *,
                  failure: Callable[[str], Exception], what: str) -> types.GenerateContentResponse:
        """One generateContent call with backoff; `failure(message)` is raised when it still fails."""
        return call_with_backoff(
            lambda: self._client.models.generate_content(model=self.model, contents=contents, config=config),
            attempts=self.attempts, backoff_s=self.backoff_s, sleep=self._sleep, secret=self._secret,
            failure=failure, what=what)
