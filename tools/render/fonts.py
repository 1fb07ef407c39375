"""Font resolution: LookSpec.font names map to TTFs bundled in assets/fonts so a render looks the same everywhere.

System fonts differ between machines (and Pillow's default bitmap font cannot scale), so a look never depends on
what happens to be installed: a name resolves to a committed file, or the look gives an explicit TTF/OTF path,
which is validated up front with a message a marketer can act on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"

# Bundled faces, by the names a LookSpec may use (case-insensitive, with or without extension).
BUNDLED: dict[str, str] = {
    "dejavusans-bold": "DejaVuSans-Bold.ttf",
    "dejavusans": "DejaVuSans.ttf",
    "dejavu sans bold": "DejaVuSans-Bold.ttf",
    "dejavu sans": "DejaVuSans.ttf",
}
DEFAULT_BOLD = "DejaVuSans-Bold"
DEFAULT_REGULAR = "DejaVuSans"
FONT_SUFFIXES = (".ttf", ".otf")


def resolve_font(name: str) -> Path:
    """Return the font file for a LookSpec font name or a user-supplied TTF/OTF path.

    Raises ValueError (shown in the thread) when the name is unknown or the file is not a usable font.
    """
    key = name.strip().lower()
    for suffix in FONT_SUFFIXES:
        key = key.removesuffix(suffix)
    if key in BUNDLED:
        return FONTS_DIR / BUNDLED[key]
    path = Path(name).expanduser()
    if path.suffix.lower() in FONT_SUFFIXES or path.exists():
        return validate_font_file(path)
    known = ", ".join(sorted({v.removesuffix(".ttf") for v in BUNDLED.values()}))
    raise ValueError(f"font '{name}' is not bundled (available: {known}); or give a path to a .ttf/.otf file")


def validate_font_file(path: Path) -> Path:
    """Check that a user-supplied file is a TrueType/OpenType font Pillow can draw with."""
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise ValueError(f"font file '{path}' must be a .ttf or .otf file")
    if not path.is_file():
        raise ValueError(f"font file '{path}' does not exist")
    try:
        ImageFont.truetype(str(path), 24)
    except OSError as exc:
        raise ValueError(f"font file '{path}' is not a readable TrueType/OpenType font ({exc})") from exc
    return path


@lru_cache(maxsize=64)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def load_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A sized font for drawing; cached because one render draws many captions in the same face."""
    return _load(str(resolve_font(name)), size)


def regular_for(name: str) -> str:
    """The lighter companion face used for secondary text (falls back to the look's own font)."""
    return DEFAULT_REGULAR if name.strip().lower().startswith("dejavusans") else name
