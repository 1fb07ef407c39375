"""Shared drawing for the campaign stills: the locked palette, the locked font, the lead's card, the brand mark.

Everything is drawn with the render engine's own layers (background, paste_card, paste_logo, fonts), so a carousel
slide or a quote graphic cannot drift from the episodes' look: only the palette's four colours are ever painted,
apart from the lead's portrait inside its card. Every string is set with `font_for_text` (the look's face, else a
Noto fallback), so a brand or a line in Japanese, Arabic or Hebrew is drawn, never boxed, and every block is fitted
to the space it has.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from agent.domain import LookSpec
from tools.render.fonts import font_for_text, regular_for
from tools.render.layers import background, paste_card, paste_logo
from tools.render.layout import Box
from tools.render.text import draw_centred, line_height, wrap


def new_canvas(look: LookSpec, width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A flat background in the palette, with a drawing handle."""
    img = background(look, width, height)
    return img, ImageDraw.Draw(img)


def lead_card(canvas: Image.Image, portrait: Image.Image, look: LookSpec, cx: int, top: int, side: int) -> int:
    """Paste the lead's card (rounded portrait, primary rim, accent bar) centred on cx; returns the y below it."""
    box = Box(cx - side // 2, top, side, side)
    paste_card(canvas, portrait, box, look)
    return box.bottom + int(side * 0.16)


SPACING = 1.15  # line pitch as a multiple of the font's full height (draw_centred's default)
ELLIPSIS = "…"


def block_height(font: ImageFont.FreeTypeFont, lines: int) -> int:
    """The height `lines` lines take when drawn by draw_centred (descenders included)."""
    return int(line_height(font) * SPACING) * lines


def fit_text(text: str, face: str, sizes: list[int], max_width: int, max_lines: int,
             max_height: int | None = None) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size (from `sizes`, descending) at which `text` fits `max_lines` lines of `max_width` and,
    when given, `max_height` px; the font draws every character (Noto fallback for CJK/Arabic/Hebrew, no tofu).

    When even the smallest size is too long, the lines that fit are kept and the last one ends in an ellipsis, so
    the text never runs past its space (into the next block or off the frame).
    """
    for size in sizes:
        font = font_for_text(text, size, face)
        lines = wrap(text, font, max_width)
        if len(lines) <= max_lines and (max_height is None or block_height(font, len(lines)) <= max_height):
            return font, lines
    font = font_for_text(text + ELLIPSIS, sizes[-1], face)
    lines = wrap(text, font, max_width)
    room = max_lines if max_height is None else min(max_lines, max(1, max_height // block_height(font, 1)))
    if len(lines) > room:
        last = lines[room - 1]
        while last and font.getlength(last + ELLIPSIS) > max_width:
            last = last[:-1]
        lines = lines[:room - 1] + [last.rstrip() + ELLIPSIS]
    return font, lines


def text_block(draw: ImageDraw.ImageDraw, look: LookSpec, text: str, cx: int, top: int, max_width: int,
               sizes: list[int], max_lines: int, colour: str, *, bold: bool = True,
               max_height: int | None = None) -> int:
    """Wrap `text` at the largest size that fits in `max_lines` (and `max_height` px); draw centred; returns the
    y below it."""
    face = look.font if bold else regular_for(look.font)
    font, lines = fit_text(text, face, sizes, max_width, max_lines, max_height)
    return draw_centred(draw, lines, font, cx, top, colour, spacing=SPACING)


def label(draw: ImageDraw.ImageDraw, look: LookSpec, text: str, cx: int, top: int, size: int, colour: str,
          max_width: int) -> int:
    """One short upper-case label line (e.g. THE STORY SO FAR), smaller when it is too wide; returns the y below
    it."""
    upper = text.upper()
    sizes = [size, *(s for s in (int(size * 0.85), int(size * 0.7), int(size * 0.6)) if s >= 12)]
    font, lines = fit_text(upper, look.font, sizes, max_width, 1)
    return draw_centred(draw, lines, font, cx, top, colour, spacing=SPACING)


def label_height(look: LookSpec, text: str, size: int, max_width: int) -> int:
    """The height `label` will take for this text (a layout can reserve it before drawing)."""
    upper = text.upper()
    sizes = [size, *(s for s in (int(size * 0.85), int(size * 0.7), int(size * 0.6)) if s >= 12)]
    font, lines = fit_text(upper, look.font, sizes, max_width, 1)
    return block_height(font, len(lines))


def rule(draw: ImageDraw.ImageDraw, look: LookSpec, cx: int, y: int, half_width: int, thickness: int) -> None:
    """The accent bar the title cards use, as a divider."""
    draw.rectangle((cx - half_width, y, cx + half_width, y + thickness), fill=look.palette.accent)


def brand_mark(canvas: Image.Image, look: LookSpec) -> None:
    """The look's logo slot, as on every episode frame."""
    paste_logo(canvas, look)


def save_png(img: Image.Image, path: Path) -> Path:
    """Write under a temp name and rename, so a killed job never leaves half a PNG that looks finished."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    img.convert("RGB").save(tmp, format="PNG")
    os.replace(tmp, path)
    return path
