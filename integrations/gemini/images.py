"""Gemini image generation (generateContent with response modalities TEXT+IMAGE): lead portraits, and the image
client the location plates (integrations/gemini/locations.py) share.

The reply's image arrives as an `inlineData` part (base64 PNG/JPEG); it is checked with Pillow and saved as PNG,
so the portrait hash the lead lock stores is of a file the renderer can read. Rate limits and server errors are
retried with backoff; a rejected key is a KeyRejectedError (never silently replaced); any other failure falls
back to the offline portrait so casting never stalls — and says so in the log.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from google.genai import types
from PIL import Image

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.prompts import PromptLibrary
from integrations.gemini.backoff import GenaiCaller

log = logging.getLogger(__name__)
IMAGE_MODEL = "gemini-2.5-flash-image"


class GeminiImageClient(GenaiCaller):
    """One image from Gemini's image model per call: the prompt, optional reference images, the first inline image
    of the reply. Shared by portraits and location plates, so both retry, classify and redact the same way."""

    def __init__(self, api_key: str, model: str = IMAGE_MODEL, base_url: str | None = None, *, attempts: int = 3,
                 backoff_s: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        """Build the google-genai client (no network yet)."""
        super().__init__(api_key, model, base_url, attempts=attempts, backoff_s=backoff_s, sleep=sleep)

    def generate(self, prompt: str, references: Sequence[bytes] = (), *, aspect_ratio: str | None = None,
                 what: str = "image") -> bytes:
        """The image bytes Gemini returns (BrainError when it answers with text only)."""
        parts: list[types.Part] = [types.Part.from_text(text=prompt)]
        parts += [types.Part.from_bytes(data=ref, mime_type=_mime(ref)) for ref in references]
        config = types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio) if aspect_ratio else None)
        response = self._generate([types.Content(role="user", parts=parts)], config, failure=BrainError,
                                  what="Gemini image generation")
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.inline_data is not None and part.inline_data.data:
                    return part.inline_data.data
        raise BrainError(f"Gemini returned no image for the {what} (only text); try again.")


class GeminiPortraits:
    """A portrait maker for AppContext.make_portrait that reads the persona's description."""

    accepts_description = True

    def __init__(self, api_key: str, model: str = IMAGE_MODEL, base_url: str | None = None, *, attempts: int = 3,
                 backoff_s: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 fallback: Callable[[str, int, Path], Path] | None = None,
                 prompts: PromptLibrary | None = None) -> None:
        """Build the image client (no network yet)."""
        self.images = GeminiImageClient(api_key, model, base_url, attempts=attempts, backoff_s=backoff_s,
                                        sleep=sleep)
        self.model = model
        self._fallback = fallback
        self.prompts = prompts or PromptLibrary()

    def __call__(self, name: str, seed: int, path: Path, description: str = "",
                 reference: Path | None = None) -> Path:
        """Generate, validate and save the portrait at `path`; the offline generator if Gemini can't."""
        try:
            data = self.generate(name, seed, description, reference)
        except KeyRejectedError:
            raise
        except BrainError as error:
            if self._fallback is None:
                raise
            log.warning("Gemini portrait for %s failed (%s); using the offline portrait", name, error)
            return self._fallback(name, seed, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(io.BytesIO(data)) as image:
            image.convert("RGB").save(path, format="PNG")
        return path

    def generate(self, name: str, seed: int, description: str = "", reference: Path | None = None) -> bytes:
        """The image bytes Gemini returns for the portrait prompt (a reference face goes in as inlineData)."""
        prompt = self.prompts.render("portrait", persona=name, description=description or "", seed=seed)
        references = [reference.read_bytes()] if reference is not None else []
        data = self.images.generate(prompt, references, what="portrait")
        _check_image(data)
        return data


def _check_image(data: bytes) -> None:
    """The bytes must decode as an image of portrait size."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for broken data
        raise BrainError(f"Gemini's portrait is not a readable image ({type(exc).__name__})") from None
    if min(size) < 128:
        raise BrainError(f"Gemini's portrait is only {size[0]}×{size[1]} px")


def portrait_maker(api_key: str | None, base_url: str | None,
                   offline: Callable[[str, int, Path], Path]) -> Callable[..., Path]:
    """Gemini portraits when keyed (offline as the fallback), else the offline generator itself."""
    if not api_key:
        return offline
    return GeminiPortraits(api_key, base_url=base_url, fallback=offline)


def _mime(data: bytes) -> str:
    """The MIME type of reference bytes (JPEG or, by default, PNG)."""
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"
