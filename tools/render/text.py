"""Text measuring and wrapping with Pillow (moviepy's TextClip cuts descenders with Pillow ≥ 11.2, DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable

from PIL import ImageDraw, ImageFont


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap to a pixel width; a single over-long word gets a line of its own."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fit_lines(text: str, loader: Callable[[int], ImageFont.FreeTypeFont], sizes: list[int], max_width: int,
              max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest size (from `sizes`, descending) at which the text wraps into at most `max_lines` lines."""
    font = loader(sizes[-1])
    lines = wrap(text, font, max_width)
    for size in sizes:
        candidate = loader(size)
        wrapped = wrap(text, candidate, max_width)
        if len(wrapped) <= max_lines:
            return candidate, wrapped
    return font, lines


def line_height(font: ImageFont.FreeTypeFont) -> int:
    """Ascent + descent: the full height a line needs so descenders are never cut."""
    ascent, descent = font.getmetrics()
    return ascent + descent


def draw_centred(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, cx: int, top: int,
                 fill: str | tuple[int, ...], spacing: float = 1.15, stroke: int = 0,
                 stroke_fill: str | tuple[int, ...] | None = None) -> int:
    """Draw lines centred on cx from `top`; returns the y below the last line."""
    step = int(line_height(font) * spacing)
    y = top
    for line in lines:
        w = font.getlength(line)
        draw.text((cx - w / 2, y), line, font=font, fill=fill, stroke_width=stroke, stroke_fill=stroke_fill)
        y += step
    return y
