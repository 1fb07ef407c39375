"""Location plates from Gemini's image model (issue 13 §3, keyed): the LocationPainter port, drawn as the fallback.

One image per season location and look: the request (model, prompt, size) is hashed and the validated, resized PNG
is kept under that hash, so every episode of the season finds the same file and its content hash is the lock.
The model's bytes are checked like an upload (agent.uploads: real PNG/JPEG/WebP, under the size and pixel limits,
complete) before anything uses them. Any failure — 5xx after retries, text instead of an image, a refused or
broken image, even a rejected key — paints the drawn set instead and says so in the log: a render never fails
over a backdrop. A drawn fallback is not cached here, so the next render asks Gemini again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

from agent.brain.errors import BrainError
from agent.brain.prompts import PromptLibrary
from agent.domain import LocationKind, LocationLock, LookSpec
from agent.ports import LocationPainter
from agent.uploads import UploadError, inspect
from integrations.gemini.images import GeminiImageClient

log = logging.getLogger(__name__)


class GeminiLocations:
    """A LocationPainter generating each location's plate with Gemini, cached by content hash in `cache_dir`."""

    name = "gemini"

    def __init__(self, images: GeminiImageClient, cache_dir: Path, fallback: LocationPainter,
                 prompts: PromptLibrary | None = None) -> None:
        """`images`: the shared image client; `fallback`: the drawn painter for when Gemini can't."""
        self.images = images
        self.cache_dir = Path(cache_dir)
        self.fallback = fallback
        self.prompts = prompts or PromptLibrary()

    def paint(self, location: LocationLock, look: LookSpec, size: tuple[int, int]) -> Path:
        """The cached plate for this request, else a fresh one from Gemini, else the drawn set."""
        prompt = self._prompt(location, look)
        key = hashlib.sha256(json.dumps({"model": self.images.model, "prompt": prompt, "size": list(size)},
                                        sort_keys=True).encode()).hexdigest()[:20]
        path = self.cache_dir / f"gemini-{_slug(location.key)}-{key}.png"
        if path.is_file():
            return path
        try:
            data = self.images.generate(prompt, aspect_ratio="9:16", what=f"location plate of {location.name}")
            self._save(data, size, path)
        except (BrainError, UploadError) as error:  # KeyRejectedError is a BrainError: the render still goes on
            log.warning("Gemini location plate for %s failed (%s); using the drawn set", location.key, error)
            return self.fallback.paint(location, look, size)
        return path

    def _prompt(self, location: LocationLock, look: LookSpec) -> str:
        p = look.palette
        return self.prompts.render("location", place=location.name, kind=LocationKind(location.kind).value,
                                   background=p.background, primary=p.primary, accent=p.accent, text=p.text)

    def _save(self, data: bytes, size: tuple[int, int], path: Path) -> None:
        """Validate the bytes like an upload, cover-fit them to `size` and write the PNG atomically."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as tmp:
            raw = Path(tmp) / "plate"
            raw.write_bytes(data)
            upload = inspect(raw, {"image"}, "location image")
            if upload.size is None or min(upload.size) < 128:
                raise UploadError(f"Gemini's location image is too small ({upload.size})")
            with Image.open(raw) as image:
                fitted = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
            part = Path(tmp) / "plate.png"
            fitted.save(part, format="PNG")
            part.replace(path)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "x"


def location_painter(api_key: str | None, base_url: str | None, cache_dir: Path,
                     offline: LocationPainter) -> LocationPainter:
    """Gemini plates when keyed (the drawn painter as their fallback), else the drawn painter itself."""
    if not api_key:
        return offline
    return GeminiLocations(GeminiImageClient(api_key, base_url=base_url), cache_dir, offline)
