"""Static layers composed once per render with Pillow: shot stills, title card, end card, cover.

Per-frame compositing is what makes naive pipelines slow (DESIGN §5); every pixel that does not move is drawn here,
once, and ffmpeg only crops, concatenates and overlays.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from agent.domain import EpisodeScript, LookSpec
from tools.render.fonts import font_for_text, regular_for
from tools.render.layout import Box, logo_box, portrait_box
from tools.render.text import draw_centred, fit_lines, wrap


def _scale(width: int) -> float:
    return width / 1080


def background(look: LookSpec, width: int, height: int) -> Image.Image:
    """The look's background colour, flat: the palette check samples it, so nothing else is painted there."""
    return Image.new("RGB", (width, height), look.palette.background)


def load_portrait(path: Path) -> Image.Image:
    """The locked portrait as RGB (a clear error when the lock points at a missing or unreadable file)."""
    try:
        with Image.open(path) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except (OSError, ValueError) as exc:
        raise ValueError(f"the lead's locked portrait '{path}' cannot be read ({exc})") from exc


def _square(img: Image.Image, side: int) -> Image.Image:
    return ImageOps.fit(img, (side, side), Image.Resampling.LANCZOS)


def paste_card(canvas: Image.Image, portrait: Image.Image, box: Box, look: LookSpec) -> None:
    """The lead's card: the portrait, rounded, with a primary-colour rim and an accent bar under it."""
    s = _scale(canvas.width)
    face = _square(portrait, box.w)
    mask = Image.new("L", face.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, box.w - 1, box.h - 1), radius=int(40 * s), fill=255)
    rim = int(8 * s)
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((box.x - rim, box.y - rim, box.right + rim, box.bottom + rim), radius=int(46 * s),
                           fill=look.palette.primary)
    canvas.paste(face, (box.x, box.y), mask)
    bar_w = int(box.w * 0.4)
    bar_y = box.bottom + rim + int(22 * s)
    draw.rounded_rectangle((box.x + (box.w - bar_w) // 2, bar_y, box.x + (box.w + bar_w) // 2, bar_y + int(10 * s)),
                           radius=int(5 * s), fill=look.palette.accent)


def paste_logo(canvas: Image.Image, look: LookSpec, offset: tuple[int, int] = (0, 0)) -> None:
    """Brand mark in the top-right slot: the logo file fitted into the slot, else the logo text in primary."""
    box = logo_box(canvas.width - 2 * offset[0], canvas.height - 2 * offset[1]).shifted(*offset)
    if look.logo_path:
        try:
            with Image.open(look.logo_path) as logo:
                mark = ImageOps.contain(logo.convert("RGBA"), (box.w, box.h), Image.Resampling.LANCZOS)
        except OSError as exc:
            raise ValueError(f"logo file '{look.logo_path}' cannot be read ({exc})") from exc
        canvas.paste(mark, (box.right - mark.width, box.y + (box.h - mark.height) // 2), mark)
        return
    if not look.logo_text:
        return
    text = look.logo_text.strip()
    bar = max(2, int(6 * _scale(canvas.width)))
    # the largest size whose ink fits the slot above the bar (CJK faces have taller ascents than Latin ones)
    for size in (54, 46, 40, 34, 28, 22):
        font = font_for_text(text, max(8, int(size * _scale(canvas.width))), look.font)
        left, _top, right, bottom = font.getbbox(text)
        if right - left <= box.w and bottom <= box.h - 2 * bar:
            break
    w = font.getlength(text)
    draw = ImageDraw.Draw(canvas)
    draw.text((box.right - w, box.y), text, font=font, fill=look.palette.primary)
    draw.rectangle((box.right - w, box.bottom - bar, box.right, box.bottom), fill=look.palette.accent)


def shot_still(look: LookSpec, portrait: Image.Image, shot: str, width: int, height: int, margin: int
               ) -> Image.Image:
    """One shot's still, `margin` px larger on every side so a moving crop can drift across it."""
    canvas = background(look, width + 2 * margin, height + 2 * margin)
    paste_card(canvas, portrait, portrait_box(look.framing, shot, width, height).shifted(margin, margin), look)
    paste_logo(canvas, look, (margin, margin))
    return canvas


def _card_text_width(width: int) -> int:
    return int(width * 0.84)


def title_card(look: LookSpec, script: EpisodeScript, season_title: str, width: int, height: int) -> Image.Image:
    """"Ep N · Title" over the palette, with the season title above it."""
    s = _scale(width)
    canvas = background(look, width, height)
    draw = ImageDraw.Draw(canvas)
    cx = width // 2
    y = int(height * 0.30)
    if season_title:
        f = font_for_text(season_title.upper(), int(48 * s), regular_for(look.font))
        y = draw_centred(draw, wrap(season_title.upper(), f, _card_text_width(width)), f, cx, y,
                         look.palette.accent)
        y += int(30 * s)
    ep_font = font_for_text(f"Ep {script.number}", int(150 * s), look.font)
    y = draw_centred(draw, [f"Ep {script.number}"], ep_font, cx, y, look.palette.primary)
    draw.rectangle((cx - int(120 * s), y + int(10 * s), cx + int(120 * s), y + int(22 * s)),
                   fill=look.palette.accent)
    y += int(70 * s)
    font, lines = fit_lines(script.title, lambda sz: font_for_text(script.title, int(sz * s), look.font), [96, 84, 72, 60],
                            _card_text_width(width), 3)
    draw_centred(draw, lines, font, cx, y, look.palette.text)
    paste_logo(canvas, look)
    return canvas


def end_card(look: LookSpec, headline: str, body: str, footer: str | None, width: int, height: int
             ) -> Image.Image:
    """Closing card: a headline ("To be continued…", "New episode"), the hook text, and what comes next."""
    s = _scale(width)
    canvas = background(look, width, height)
    draw = ImageDraw.Draw(canvas)
    cx = width // 2
    y = int(height * 0.22)
    y = draw_centred(draw, [headline.upper()], font_for_text(headline.upper(), int(64 * s), look.font), cx, y, look.palette.accent)
    y += int(60 * s)
    font, lines = fit_lines(body, lambda sz: font_for_text(body, int(sz * s), look.font), [84, 72, 62, 54, 46],
                            _card_text_width(width), 7)
    y = draw_centred(draw, lines, font, cx, y, look.palette.text)
    if footer:
        y += int(70 * s)
        f = font_for_text(footer, int(56 * s), look.font)
        footer_lines = wrap(footer, f, _card_text_width(width))[:2]
        draw_centred(draw, footer_lines, f, cx, max(y, int(height * 0.70)), look.palette.primary)
    paste_logo(canvas, look)
    return canvas


def cover(look: LookSpec, portrait: Image.Image, script: EpisodeScript, season_title: str, width: int,
          height: int) -> Image.Image:
    """Thumbnail: the lead's card, "Ep N" and the title, in the palette."""
    s = _scale(width)
    canvas = background(look, width, height)
    paste_card(canvas, portrait, portrait_box(look.framing, "beat", width, height), look)
    draw = ImageDraw.Draw(canvas)
    cx = width // 2
    y = int(height * 0.62)
    y = draw_centred(draw, [f"EP {script.number}"], font_for_text(f"EP {script.number}", int(110 * s), look.font), cx, y,
                     look.palette.primary)
    font, lines = fit_lines(script.title, lambda sz: font_for_text(script.title, int(sz * s), look.font), [88, 76, 64, 54],
                            _card_text_width(width), 3)
    y = draw_centred(draw, lines, font, cx, y + int(10 * s), look.palette.text)
    if season_title:
        f = font_for_text(season_title.upper(), int(44 * s), regular_for(look.font))
        draw_centred(draw, wrap(season_title.upper(), f, _card_text_width(width))[:1], f, cx, y + int(20 * s),
                     look.palette.accent)
    paste_logo(canvas, look)
    return canvas

