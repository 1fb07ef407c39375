"""Text measuring and wrapping with Pillow (moviepy's TextClip cuts descenders with Pillow ≥ 11.2, DESIGN §5)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from PIL import ImageDraw, ImageFont

from tools.render.fonts import covers
from tools.render.mixed_font import MixedFont

ELLIPSIS = "…"


def _clusters(word: str) -> list[str]:
    """Characters with their combining marks (and joiner/variation-selector tails) kept together: the points
    where a word with no spaces (CJK, or one very long word) may be broken without splitting a letter."""
    out: list[str] = []
    for ch in word:
        joins = unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200d\ufe0e\ufe0f"
        if out and (joins or out[-1].endswith("\u200d")):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _break_word(word: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Pieces of a word too wide for the line, each as long as fits (at least one character)."""
    pieces: list[str] = []
    current = ""
    for cluster in _clusters(word):
        if current and font.getlength(current + cluster) > max_width:
            pieces.append(current)
            current = cluster
        else:
            current += cluster
    return [*pieces, current] if current else pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap to a pixel width, measured with the font that draws the text (a MixedFont measures each
    script run in its own face). A word wider than the line — CJK without spaces, a very long name — is broken
    between characters, so no line is ever wider than `max_width` and text cannot run off its frame."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = [word] if font.getlength(word) <= max_width else _break_word(word, font, max_width)
        lines += pieces[:-1]
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def _ellipsis(font: ImageFont.FreeTypeFont) -> str:
    """"…" when the face has it (a MixedFont always does: the look's face is among its faces), else "..."."""
    if isinstance(font, MixedFont) or not getattr(font, "path", None):
        return ELLIPSIS
    return ELLIPSIS if covers(Path(str(font.path)), font.index, ELLIPSIS) else "..."


def truncate(lines: list[str], font: ImageFont.FreeTypeFont, max_width: int, max_lines: int) -> list[str]:
    """The first `max_lines` lines, the last one ending in an ellipsis that still fits `max_width`."""
    if len(lines) <= max_lines:
        return lines
    mark = _ellipsis(font)
    last = lines[max_lines - 1]
    while last and font.getlength(last.rstrip() + mark) > max_width:
        last = last[:-1]
    return [*lines[:max_lines - 1], last.rstrip() + mark]


def fit_lines(text: str, loader: Callable[[int], ImageFont.FreeTypeFont], sizes: list[int], max_width: int,
              max_lines: int, ellipsis: bool = True) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest size (from `sizes`, descending) at which the text wraps into at most `max_lines` lines.

    When even the smallest size needs more lines, the text is cut to `max_lines` ending in "…" so a card or
    cover never runs text off the frame; `ellipsis=False` keeps every line instead (captions: the box grows
    rather than dropping words the voice says).
    """
    for size in sizes:
        candidate = loader(size)
        wrapped = wrap(text, candidate, max_width)
        if len(wrapped) <= max_lines:
            return candidate, wrapped
    font = loader(sizes[-1])
    lines = wrap(text, font, max_width)
    return font, truncate(lines, font, max_width, max_lines) if ellipsis else lines


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
