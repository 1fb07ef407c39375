"""A small structured-output client over langchain-google-genai: retries, one repair round, clear errors.

Retries go through tenacity (integrations/gemini/backoff.py) rather than the SDK's options: the sleep is injectable
(tests run in milliseconds), every failure becomes a `BrainError` whose message a marketer can act on, and the API
key is never in any message.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from google.genai import errors as genai_errors
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.prompts import PromptLibrary

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
KEY_REJECTED = ("The Gemini key was rejected (HTTP {code}). Check GOOGLE_API_KEY — or remove it to use the "
                "offline brain.")


def _api_error(exc: BaseException) -> genai_errors.APIError | None:
    """The google-genai APIError somewhere in the exception chain (langchain wraps it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, genai_errors.APIError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _is_key_rejection(error: genai_errors.APIError) -> bool:
    """400 API_KEY_INVALID, or 401/403 (unauthenticated / permission denied for this key)."""
    text = f"{error.message} {error.status} {error.details}"
    return error.code in (401, 403) or (error.code == 400 and ("API_KEY_INVALID" in text or "API key" in text))


class GeminiClient:
    """Asks Gemini for JSON matching a pydantic model, through the real langchain-google-genai client."""

    def __init__(self, api_key: str, model: str, base_url: str | None = None, *, attempts: int = 4,
                 backoff_s: float = 1.0, timeout_s: float = 120.0, temperature: float = 0.7,
                 sleep: Callable[[float], None] = time.sleep, prompts: PromptLibrary | None = None) -> None:
        """Build the chat model (no network yet). `attempts` counts tries for 429/5xx; backoff doubles each time."""
        self._secret = api_key
        self.model = model
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self._sleep = sleep
        self.prompts = prompts or PromptLibrary()
        kwargs: dict[str, Any] = {"model": model, "api_key": api_key, "api_version": "v1beta", "max_retries": 1,
                                  "timeout": timeout_s, "temperature": temperature}
        if base_url:
            kwargs["base_url"] = base_url
        self.llm = ChatGoogleGenerativeAI(**kwargs)

    def structured(self, prompt: str, schema: type[T]) -> T:
        """One answer parsed into `schema`; a malformed answer gets one repair round, then a BrainError.

        The raw text is parsed strictly here rather than by langchain's parser, which accepts truncated JSON
        ("partial" parsing) — a cut-off reply must be repaired, not half-used.
        """
        runnable = self.llm.with_structured_output(schema, method="json_schema", include_raw=True)
        messages: list[BaseMessage] = [HumanMessage(content=prompt)]
        raw = _text_of(self.invoke(runnable, messages).get("raw"))
        parsed, problem = _parse(raw, schema)
        if parsed is not None:
            return parsed
        log.warning("Gemini reply did not match %s (%s); asking once more", schema.__name__, problem)
        messages += [AIMessage(content=raw), HumanMessage(content=self.prompts.render("repair", error=problem))]
        parsed, problem = _parse(_text_of(self.invoke(runnable, messages).get("raw")), schema)
        if parsed is not None:
            return parsed
        raise BrainError(f"Gemini twice returned a {schema.__name__} I could not read ({problem}). "
                         "Try again, or rephrase the request.")

    def invoke(self, runnable: Any, messages: list[BaseMessage]) -> Any:
        """Call with backoff on rate limits, server errors and dropped connections; classify the rest. Public: the
        structured-output path and the understander's model node (a tools-bound model) both call through it."""
        from integrations.gemini.backoff import gemini_retrying

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            log.info("Gemini attempt %d/%d failed (%s); retrying", state.attempt_number, self.attempts,
                     self._classify(error)[1] if error is not None else "?")

        retrying = gemini_retrying(attempts=self.attempts, backoff_s=self.backoff_s, sleep=self._sleep,
                                   retryable=lambda exc: self._classify(exc)[0], before_sleep=log_retry)
        try:
            result = retrying(runnable.invoke, messages)
        except Exception as exc:  # noqa: BLE001 - classified, never swallowed
            raise self._classify(exc)[1] from None  # `from None`: the chained SDK error carries request details
        return result

    def _classify(self, exc: BaseException) -> tuple[bool, BrainError]:
        """(retryable?, the marketer-facing error) for an exception from the client."""
        api = _api_error(exc)
        if api is not None:
            if _is_key_rejection(api):
                return False, KeyRejectedError(KEY_REJECTED.format(code=api.code))
            if api.code in RETRYABLE:
                return True, BrainError(f"Gemini is busy or unavailable (HTTP {api.code}, {api.status}) after "
                                        f"{self.attempts} tries; try again in a minute.")
            return False, BrainError(self._redact(f"Gemini refused the request (HTTP {api.code}): {api.message}"))
        if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
            return True, BrainError(f"Could not reach Gemini ({type(exc).__name__}) after {self.attempts} tries.")
        return False, BrainError(self._redact(f"Gemini call failed: {exc}"))

    def _redact(self, text: str) -> str:
        """Belt and braces: no message ever carries the key, whatever an upstream error echoed."""
        return text.replace(self._secret, "***") if self._secret else text

def _text_of(message: Any) -> str:
    """The text of a model message (content may be a string or a list of parts)."""
    if message is None:
        return ""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    return json.dumps(content) if not isinstance(content, list) else "".join(
        p.get("text", "") if isinstance(p, dict) else str(p) for p in content)


def _parse(text: str, schema: type[T]) -> tuple[T | None, str]:
    """(model, "") for valid JSON matching the schema, else (None, why) — strict, no partial JSON."""
    cleaned = text.strip()
    if cleaned.startswith("```"):
        cleaned = cleaned.strip("`").removeprefix("json").strip()
    if not cleaned:
        return None, "empty reply"
    try:
        return schema.model_validate_json(cleaned), ""
    except ValidationError as exc:
        return None, _short(exc)


def _short(exc: ValidationError) -> str:
    """The first few validation errors, compact (the repair prompt and the marketer both read this)."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(parts)[:500]
