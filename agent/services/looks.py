"""Look-lock helpers: palette edits in words, WCAG AA caption contrast, uploaded fonts and logos validated.

Everything here refuses with a sentence the marketer can act on (a reason and a suggestion), because a look is
locked once and then reused by every episode: a bad colour or a broken font must be caught before the lock.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageColor
from pydantic import ValidationError

from agent.domain import CaptionStyle, Framing, LookSpec, Palette
from agent.uploads import UploadError, svg_to_png
from agent.uploads import inspect as inspect_upload

AA_NORMAL, AA_LARGE = 4.5, 3.0
COLOUR_SETTING = re.compile(r"\b(background|primary|accent|text|caption)(?:\s+colou?r)?\b\s*(?::|=|to|is)?\s*"
                            r"(#[0-9a-zA-Z]*|[a-zA-Z]+)", re.IGNORECASE)
FONT_SETTING = re.compile(r"\bfont\s*(?::|=|to|is)?\s*([\w .-]+?)\s*$", re.IGNORECASE)
LOGO_TEXT = re.compile(r"\blogo\s+text\s*(?::|=|to|is)?\s*(.+)$", re.IGNORECASE)
LOGO_EXTS = (".png", ".svg")
FONT_EXTS = (".ttf", ".otf")
MIN_LOGO_PX = 64


class LookError(ValueError):
    """A look change that cannot be used; the message names the reason and a fix."""


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = ImageColor.getrgb(hex_colour)[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1–21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass
class ContrastReport:
    """Caption text vs its backing, and speaker labels (large text) vs the same backing."""

    text_ratio: float
    label_ratio: float

    @property
    def passes(self) -> bool:
        """AA: 4.5:1 for caption text, 3:1 for the large speaker labels."""
        return self.text_ratio >= AA_NORMAL and self.label_ratio >= AA_LARGE

    def line(self) -> str:
        """One line for the thread."""
        mark = "✓" if self.passes else "✗"
        return (f"Caption contrast {self.text_ratio:.1f}:1 (WCAG AA needs {AA_NORMAL}:1), labels "
                f"{self.label_ratio:.1f}:1 (needs {AA_LARGE}:1) {mark}")


def check_contrast(palette: Palette) -> ContrastReport:
    """Captions are drawn in `text` over a `background` box (or outline): that pair decides readability."""
    label = min(contrast_ratio(palette.primary, palette.background), contrast_ratio(palette.accent, palette.background))
    return ContrastReport(text_ratio=contrast_ratio(palette.text, palette.background), label_ratio=label)


def suggest_text_colour(background: str) -> str:
    """White or near-black, whichever reads better on the background."""
    return "#FFFFFF" if contrast_ratio("#FFFFFF", background) >= contrast_ratio("#111111", background) else "#111111"


def _is_colour_name(word: str) -> bool:
    """CSS colour names ("navy", "white") count as colours; other words after "background" do not."""
    try:
        ImageColor.getrgb(word)
        return True
    except ValueError:
        return False


def normalise_hex(value: str) -> str:
    """'#abc' → '#AABBCC'; names like 'navy' → hex; anything else is refused with an example."""
    raw = value.strip()
    if re.fullmatch(r"#?[0-9a-fA-F]{3}", raw):
        raw = "#" + "".join(c * 2 for c in raw.lstrip("#"))
    if re.fullmatch(r"[0-9a-fA-F]{6}", raw):
        raw = "#" + raw
    if not raw.startswith("#"):
        try:
            r, g, b = ImageColor.getrgb(raw)[:3]
            return f"#{r:02X}{g:02X}{b:02X}"
        except ValueError:
            pass
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", raw):
        raise LookError(f"'{value}' is not a colour I can use — write it as hex like #1A2B3C")
    return raw.upper()


def apply_text_changes(look: LookSpec, text: str) -> tuple[LookSpec, list[str]]:
    """Palette / caption style / framing / font / logo text named in the message; returns (look, what changed)."""
    changes: list[str] = []
    update: dict[str, object] = {}
    if match := LOGO_TEXT.search(text):
        update["logo_text"] = match.group(1).strip().strip("\"'“”")[:18]
        changes.append(f"logo text “{update['logo_text']}”")
        text = text[: match.start()]
    palette = look.palette.model_dump()
    for name, value in COLOUR_SETTING.findall(text):
        if not value.startswith("#") and not _is_colour_name(value):
            continue
        key = "text" if name.lower() == "caption" else name.lower()
        palette[key] = normalise_hex(value)
        changes.append(f"{key} {palette[key]}")
    try:
        new_palette = Palette.model_validate(palette)
    except ValidationError as error:
        raise LookError("; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())) from None
    update["palette"] = new_palette
    lowered = text.lower()
    if re.search(r"\boutline(d)?\b", lowered):
        update["caption_style"], _ = CaptionStyle.OUTLINE, changes.append("outline captions")
    elif re.search(r"\bbox(ed)?\b", lowered) and "caption" in lowered:
        update["caption_style"], _ = CaptionStyle.BOX, changes.append("box captions")
    if re.search(r"\b(rule of )?thirds\b", lowered):
        update["framing"], _ = Framing.THIRDS, changes.append("thirds framing")
    elif re.search(r"\b(cent(er|re)d?)\b", lowered) and "fram" in lowered:
        update["framing"], _ = Framing.CENTER, changes.append("centre framing")
    if match := FONT_SETTING.search(text):
        from tools.render.fonts import resolve_font

        name = match.group(1).strip()
        try:
            resolve_font(name)
        except ValueError as exc:
            raise LookError(str(exc)) from None
        update["font"] = name
        changes.append(f"font {name}")
    return look.model_copy(update=update), changes


def _stored(path: Path, folder: Path, suffix: str) -> Path:
    """Copy an upload into the season's brand folder under its content hash (uploads are immutable)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}{suffix}"
    if not target.exists():
        shutil.copyfile(path, target)
    return target


def validate_font_upload(path: Path, folder: Path) -> Path:
    """A TTF/OTF (by content, agent/uploads.py) the renderer can draw with, stored by hash; LookError otherwise."""
    try:
        upload = inspect_upload(path, {"font"}, "font")
    except UploadError as exc:
        raise LookError(str(exc)) from None
    return _stored(path, folder, upload.suffix)


def validate_logo_upload(path: Path, folder: Path) -> Path:
    """A PNG (or an SVG rasterised to PNG) the renderer can place, stored by hash; the type comes from the bytes."""
    try:
        upload = inspect_upload(path, {"image", "svg"}, "logo")
    except UploadError as exc:
        raise LookError(str(exc)) from None
    if upload.kind == "svg":
        return _svg_to_png(path, folder)
    fmt, size = upload.format, upload.size or (0, 0)
    if fmt != "PNG":
        raise LookError(f"“{path.name}” is a {fmt}, not a PNG — export the logo as PNG (transparent) or SVG")
    if min(size) < MIN_LOGO_PX:
        raise LookError(f"“{path.name}” is only {size[0]}×{size[1]} px — the logo needs at least "
                        f"{MIN_LOGO_PX} px on each side (512 px or an SVG looks best)")
    return _stored(path, folder, ".png")


def _svg_to_png(path: Path, folder: Path) -> Path:
    """Sanitise (no files, http or nested documents can be read) and rasterise the SVG: agent/uploads.py."""
    try:
        png = svg_to_png(path, width=512)
    except UploadError as exc:
        raise LookError(str(exc)) from None
    digest = hashlib.sha256(png).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}.png"
    target.write_bytes(png)
    return target


def look_text(look: LookSpec, contrast: ContrastReport) -> str:
    """The look as the marketer reads it under the preview frame."""
    p = look.palette
    logo = Path(look.logo_path).name if look.logo_path else (f"text “{look.logo_text}”" if look.logo_text else "none")
    font = Path(look.font).name if "/" in look.font else look.font
    return (f"*The look* — background {p.background}, primary {p.primary}, accent {p.accent}, text {p.text}; "
            f"font {font}; {look.caption_style.value} captions; {look.framing.value} framing; logo {logo}.\n"
            f"{contrast.line()}")
