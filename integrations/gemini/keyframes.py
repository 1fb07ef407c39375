"""Shot keyframes from Gemini's image model: the characters' locked references + the location + the look, 9:16.

The references go in as `inlineData` parts (characters first, then the location), the prompt says what happens and
in which style; the reply's `inlineData` PNG is the keyframe. A 429/5xx is retried with exponential backoff
(tenacity); a safety block raises `KeyframeBlocked` carrying the model's own reason, so the thread can show it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

IMAGE_MODEL = "gemini-2.5-flash-image"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
BLOCKED = frozenset({"SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
                     "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})


class KeyframeError(RuntimeError):
    """The image model could not make a keyframe (the message is for the thread)."""


class KeyframeBlocked(KeyframeError):
    """The image model's safety filter refused; `reason` is its own explanation."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Gemini's safety filter blocked the keyframe: {reason}")


def _retryable(error: BaseException) -> bool:
    return isinstance(error, genai_errors.APIError) and error.code in RETRYABLE


@dataclass
class GeminiKeyframes:
    """Keyframes on a google-genai client (Developer API key or Vertex); `sleep` injectable for fast tests."""

    client: genai.Client
    model: str = IMAGE_MODEL
    attempts: int = 4
    backoff_s: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def generate(self, prompt: str, characters: Sequence[bytes], location: bytes | None = None) -> bytes:
        """One 9:16 keyframe (PNG bytes) for the prompt, with the references attached."""
        parts = [types.Part.from_text(text=prompt)]
        parts += [types.Part.from_bytes(data=ref, mime_type=_mime(ref)) for ref in characters]
        if location:
            parts.append(types.Part.from_bytes(data=location, mime_type=_mime(location)))
        config = types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"],
                                             image_config=types.ImageConfig(aspect_ratio="9:16"))
        retrying = Retrying(retry=retry_if_exception(_retryable), stop=stop_after_attempt(max(1, self.attempts)),
                            wait=wait_exponential(multiplier=self.backoff_s, max=60), sleep=self.sleep)
        try:
            response = retrying(lambda: self.client.models.generate_content(
                model=self.model, contents=[types.Content(role="user", parts=parts)], config=config))
        except RetryError as exhausted:
            code = getattr(exhausted.last_attempt.exception(), "code", "?")
            raise KeyframeError(f"Gemini's image model is busy (HTTP {code}) after {self.attempts} tries; "
                                "try again in a few minutes.") from None
        except genai_errors.APIError as error:
            raise KeyframeError(f"Gemini's image model refused the request (HTTP {error.code}): "
                                f"{error.message}") from None
        return _image_of(response)


def _image_of(response: types.GenerateContentResponse) -> bytes:
    """The first image part, checked to decode; a block or a text-only reply is a clear error."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason:
        raise KeyframeBlocked(feedback.block_reason_message or str(feedback.block_reason))
    for candidate in response.candidates or []:
        for part in (candidate.content.parts if candidate.content else None) or []:
            if part.inline_data is not None and part.inline_data.data:
                data = part.inline_data.data
                try:
                    with Image.open(io.BytesIO(data)) as image:
                        image.verify()
                except Exception as exc:  # noqa: BLE001 - Pillow raises many types for broken data
                    raise KeyframeError(f"the keyframe is not a readable image ({type(exc).__name__})") from None
                return data
        reason = str(candidate.finish_reason.value if candidate.finish_reason else "")
        if reason in BLOCKED:
            raise KeyframeBlocked(candidate.finish_message or reason)
    raise KeyframeError("Gemini's image model answered without an image.")


def _mime(data: bytes) -> str:
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"
