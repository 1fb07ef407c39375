"""Shared drawing for the campaign stills: the locked palette, the locked font, the lead's card, the brand mark.

Everything is drawn with the render engine's own layers (background, paste_card, paste_logo, fonts), so a carousel
slide or a quote graphic cannot drift from the episodes' look: only the palette's four colours are ever painted,
apart from the lead's portrait inside its card.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from PIL import Image, ImageDraw

from agent.domain import LookSpec
from tools.render.fonts import load_font, regular_for
from tools.render.layers import background, paste_card, paste_logo
from tools.render.layout import Box
from tools.render.text import draw_centred, fit_lines, wrap


def new_canvas(look: LookSpec, width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A flat background in the palette, with a drawing handle."""
    img = background(look, width, height)
    return img, ImageDraw.Draw(img)


def lead_card(canvas: Image.Image, portrait: Image.Image, look: LookSpec, cx: int, top: int, side: int) -> int:
    """Paste the lead's card (rounded portrait, primary rim, accent bar) centred on cx; returns the y below it."""
    box = Box(cx - side // 2, top, side, side)
    paste_card(canvas, portrait, box, look)
    return box.bottom + int(side * 0.16)


def text_block(draw: ImageDraw.ImageDraw, look: LookSpec, text: str, cx: int, top: int, max_width: int,
               sizes: list[int], max_lines: int, colour: str, *, bold: bool = True) -> int:
    """Wrap `text` at the largest size that fits in `max_lines`; draw centred; returns the y below it."""
    face = look.font if bold else regular_for(look.font)
    font, lines = fit_lines(text, lambda size: load_font(face, size), sizes, max_width, max_lines)
    return draw_centred(draw, lines[:max_lines], font, cx, top, colour)


def label(draw: ImageDraw.ImageDraw, look: LookSpec, text: str, cx: int, top: int, size: int, colour: str,
          max_width: int) -> int:
    """One short upper-case label line (e.g. THE STORY SO FAR); returns the y below it."""
    font = load_font(look.font, size)
    return draw_centred(draw, wrap(text.upper(), font, max_width)[:1], font, cx, top, colour)


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
