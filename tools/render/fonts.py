"""Font resolution: LookSpec.font names map to TTFs bundled in assets/fonts so a render looks the same everywhere.

System fonts differ between machines (and Pillow's default bitmap font cannot scale), so a look never depends on
what happens to be installed: a name resolves to a committed file, or the look gives an explicit TTF/OTF path,
which is validated up front with a message a marketer can act on.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from tools.render.mixed_font import MixedFont
from tools.render.script_runs import base_is_rtl, layout_runs, mixes_directions

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


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin).parent if spec is not None and spec.origin else None


def fallback_chain() -> list[tuple[Path, int]]:
    """Open-licensed Noto faces (OFL, shipped in the manimgx-fonts wheels) that cover what DejaVu does not.

    Order matters: Noto Sans for Latin/Greek/Cyrillic, Noto Sans CJK (JP face: kana, hangul and han), Arabic,
    Hebrew. Missing packages shrink the chain; nothing is downloaded at run time.
    """
    chain: list[tuple[Path, int]] = []
    base = _package_dir("manimgx_fonts")
    cjk = _package_dir("manimgx_fonts_cjk")
    if base is not None:
        chain.append((base / "NotoSans[wght].ttf", 0))
    if cjk is not None:
        chain.append((cjk / "NotoSansCJK-VF.otf.ttc", 0))
    if base is not None:
        chain += [(base / "NotoSansArabic[wght].ttf", 0), (base / "NotoSansHebrew[wght].ttf", 0)]
    return [(p, i) for p, i in chain if p.is_file()]


@lru_cache(maxsize=128)
def _load_face(path: str, size: int, index: int, weight: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.RAQM
                              if _raqm() else ImageFont.Layout.BASIC)
    try:
        font.set_variation_by_axes([weight])  # variable Noto faces default to their lightest weight
    except OSError:
        pass  # not a variable font
    return font


@lru_cache(maxsize=1)
def _raqm() -> bool:
    from PIL import features

    return bool(features.check("raqm"))  # shaping for Arabic (joining, right to left)


@lru_cache(maxsize=32)
def coverage(path: str, index: int = 0) -> frozenset[int]:
    """Code points the face maps to a glyph (its cmap, read with fontTools); anything else would draw as tofu."""
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _has_glyph(path: str, index: int, char: str) -> bool:
    """True when the face has a glyph for `char` rather than its .notdef box (the tofu)."""
    return ord(char) in coverage(path, index)


def covers(path: Path, index: int, text: str) -> bool:
    """Does the face draw every visible character of `text`?"""
    return all(_has_glyph(str(path), index, ch) for ch in set(text) if not ch.isspace() and ch.isprintable())


def _faces(name: str) -> tuple[list[tuple[Path, int]], int]:
    """The look's face then the Noto fallbacks, and the weight the variable fallbacks are set at."""
    bold = "bold" in name.lower() or "black" in name.lower()
    return [(resolve_font(name), 0), *fallback_chain()], 700 if bold else 400


@lru_cache(maxsize=128)
def _mixed(name: str, size: int, needed: tuple[int, ...], base_rtl: bool) -> MixedFont:
    chain, weight = _faces(name)
    faces = [_load(str(chain[0][0]), size)] + [_load_face(str(p), size, i, weight) for p, i in chain[1:]]
    return MixedFont(faces, [coverage(str(p), i) for p, i in chain], needed, base_rtl,
                     resize=lambda s: _mixed(name, s, needed, base_rtl))


def font_for_text(text: str, size: int, name: str = DEFAULT_BOLD) -> ImageFont.FreeTypeFont:
    """A sized font that draws `text` without tofu. Use it for every drawn string that may carry a brand name, a
    character name or user copy (cards, captions, covers, the board, campaign graphics).

    The look's own face when it covers the whole string; else the first Noto fallback that does (Noto CJK carries
    Latin too, so "夜灯 Lumen" stays in one face); else — a string mixing scripts no single face has, such as
    "Café 東京 مقهى שלום" — a MixedFont that sets each script run in the first face covering it (the look's face
    first) and measures, wraps and draws the runs together. A string mixing left-to-right and right-to-left
    letters always gets a MixedFont, even when one face has them all: it keeps the whole string's paragraph
    direction for each wrapped line, where Pillow would guess it again per line. Pass the exact string (or the
    longest one) that will be drawn with the font: the faces are chosen for it.
    """
    bidi = mixes_directions(text)
    own = resolve_font(name)
    if not bidi and covers(own, 0, text):
        return _load(str(own), size)
    chain, weight = _faces(name)
    for path, index in chain[1:] if not bidi else []:
        if covers(path, index, text):
            return _load_face(str(path), size, index, weight)
    if len(chain) == 1 and not bidi:
        return _load(str(own), size)
    cov = [coverage(str(p), i) for p, i in chain]
    base_rtl = base_is_rtl(text)
    runs = layout_runs(text, lambda face, ch: ord(ch) in cov[face], len(chain), base_rtl)
    return _mixed(name, size, tuple(sorted({run.face for run in runs})), base_rtl)


def regular_for(name: str) -> str:
    """The lighter companion face used for secondary text (falls back to the look's own font)."""
    return DEFAULT_REGULAR if name.strip().lower().startswith("dejavusans") else name
