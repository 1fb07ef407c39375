"""Speaker-labelled caption PNGs in the look's caption style, drawn once and overlaid by ffmpeg for their window."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageColor, ImageDraw, ImageFont

from agent.domain import CaptionStyle, LookSpec
from tools.render.fonts import font_for_text
from tools.render.text import fit_lines, line_height

CAPTION_SIZES = [64, 58, 52, 46]
MAX_CAPTION_LINES = 3
BOX_ALPHA = 225


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = ImageColor.getrgb(hex_colour)[:3]
    return r, g, b


@dataclass(frozen=True)
class CaptionLayout:
    """How one caption will be set: fonts, wrapped lines and the box size (measured, not drawn)."""

    font: ImageFont.FreeTypeFont
    lines: list[str]
    label: str
    label_font: ImageFont.FreeTypeFont
    pad: int
    step: int
    label_h: int
    width: int
    height: int


def caption_layout(look: LookSpec, speaker: str, text: str, max_width: int, scale: float = 1.0) -> CaptionLayout:
    """Measure a caption without drawing it (the renderer sizes one shared canvas from these first)."""
    pad = int(36 * scale)
    font, lines = fit_lines(text, lambda s: font_for_text(text, int(s * scale), look.font), CAPTION_SIZES,
                            max_width - 2 * pad, MAX_CAPTION_LINES, ellipsis=False)  # every word the voice says
    label = speaker.upper() if speaker else ""
    label_font = font_for_text(label, int(38 * scale), look.font)
    step = int(line_height(font) * 1.12)
    label_h = int(line_height(label_font) * 1.2) if label else 0
    text_w = max([font.getlength(line) for line in lines] + [label_font.getlength(label) if label else 0])
    width = int(min(max_width, text_w + 2 * pad))
    height = int(label_h + step * len(lines) + 2 * pad * 0.8)
    return CaptionLayout(font, lines, label, label_font, pad, step, label_h, width, height)


def caption_image(look: LookSpec, speaker: str, text: str, max_width: int, is_lead: bool, scale: float = 1.0
                  ) -> Image.Image:
    """An RGBA image sized to its content: speaker label (lead in primary, others in accent) over the line.

    BOX puts a rounded panel in the background colour behind the text; OUTLINE strokes the glyphs instead, so the
    line reads over anything.
    """
    lay = caption_layout(look, speaker, text, max_width, scale)
    w, h = lay.width, lay.height
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    palette = look.palette
    outline = look.caption_style == CaptionStyle.OUTLINE
    if not outline:
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=int(28 * scale),
                               fill=(*_rgb(palette.background), BOX_ALPHA),
                               outline=(*_rgb(palette.primary), 255), width=max(2, int(4 * scale)))
    stroke = max(2, int(5 * scale)) if outline else 0
    stroke_fill = (*_rgb(palette.background), 255)
    y = int(lay.pad * 0.8)
    if lay.label:
        colour = palette.primary if is_lead else palette.accent
        lw = lay.label_font.getlength(lay.label)
        draw.text(((w - lw) / 2, y), lay.label, font=lay.label_font, fill=colour, stroke_width=stroke,
                  stroke_fill=stroke_fill)
        y += lay.label_h
    for line in lay.lines:
        lw = lay.font.getlength(line)
        draw.text(((w - lw) / 2, y), line, font=lay.font, fill=palette.text, stroke_width=stroke,
                  stroke_fill=stroke_fill)
        y += lay.step
    return img
