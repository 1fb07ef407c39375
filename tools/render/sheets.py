"""Pictures about an episode: the contact sheet (storyboard review) and the cover, drawn from the shot stills.

The contact sheet is one PNG a reviewer reads in the approval card: a thumbnail per shot with its number, type,
place and camera, and the line spoken over it, so "shot 4: close-up on Ronan instead" can be asked without
scrubbing the video. Every string goes through the font fallback and stays inside its tile.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from agent.domain import EpisodeScript, LookSpec, Shot
from tools.render.fonts import font_for_text
from tools.render.text import draw_centred, fit_lines, wrap

COLUMNS = 4
THUMB_W, THUMB_H = 216, 384
TEXT_H = 150
PAD = 24
HEADER_H = 90


def frame_crop(still: Image.Image, width: int, height: int, margin: int) -> Image.Image:
    """The centre view of a shot still (what the viewer sees at mid-shot without a zoom)."""
    return still.crop((margin, margin, margin + width, margin + height))


def contact_sheet(look: LookSpec, script: EpisodeScript, shots: list[Shot], thumbs: list[Image.Image],
                  out_path: Path) -> Path:
    """Write the sheet: a header, then a grid of thumbnails each with its shot facts and line."""
    rows = -(-len(shots) // COLUMNS)
    width = PAD + COLUMNS * (THUMB_W + PAD)
    height = HEADER_H + rows * (THUMB_H + TEXT_H + PAD) + PAD
    sheet = Image.new("RGB", (width, height), look.palette.background)
    draw = ImageDraw.Draw(sheet)
    header = f"Ep {script.number} · {script.title} — storyboard, {len(shots)} shots"
    font = font_for_text(header, 30, look.font)
    lines = wrap(header, font, width - 2 * PAD)[:1]
    draw.text((PAD, PAD), lines[0] if lines else "", font=font, fill=look.palette.primary)
    for i, (shot, thumb) in enumerate(zip(shots, thumbs, strict=True)):
        col, row = i % COLUMNS, i // COLUMNS
        x = PAD + col * (THUMB_W + PAD)
        y = HEADER_H + row * (THUMB_H + TEXT_H + PAD)
        sheet.paste(thumb.resize((THUMB_W, THUMB_H)), (x, y))
        facts = f"{shot.number} · {shot.type.value} · {shot.location} · {shot.camera.value}"
        small = font_for_text(facts, 16, look.font)
        for k, row in enumerate(wrap(facts, small, THUMB_W)[:2]):
            draw.text((x, y + THUMB_H + 6 + k * 20), row, font=small, fill=look.palette.accent)
        if shot.lines:
            said = f"{shot.lines[0].speaker}: {shot.lines[0].text}" + (" …" if len(shot.lines) > 1 else "")
        else:
            said = f"({shot.action})" if shot.action else ""
        body = font_for_text(said, 17, "DejaVuSans")
        rows_text = wrap(said, body, THUMB_W)[:4]
        ty = y + THUMB_H + 50
        for line in rows_text:
            draw.text((x, ty), line, font=body, fill=look.palette.text)
            ty += 22
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    sheet.save(tmp, format="PNG")
    tmp.replace(out_path)
    return out_path


def cover_image(look: LookSpec, frame: Image.Image, script: EpisodeScript, season_title: str) -> Image.Image:
    """The episode's cover: a frame of the lead, darkened at the bottom, with "EP N", the title and the season."""
    canvas = frame.convert("RGBA")
    w, h = canvas.size
    s = w / 1080
    shade = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    sd = ImageDraw.Draw(shade)
    for k in range(40):
        top = int(h * (0.52 + k * 0.012))
        sd.rectangle((0, top, w, h), fill=(0, 0, 0, 6))
    canvas.alpha_composite(shade)
    draw = ImageDraw.Draw(canvas)
    cx, y = w // 2, int(h * 0.64)
    label = f"EP {script.number}"
    y = draw_centred(draw, [label], font_for_text(label, int(110 * s), look.font), cx, y, look.palette.primary)
    font, lines = fit_lines(script.title, lambda sz: font_for_text(script.title, int(sz * s), look.font),
                            [88, 76, 64, 54], int(w * 0.84), 3)
    y = draw_centred(draw, lines, font, cx, y + int(10 * s), look.palette.text, stroke=max(2, int(3 * s)),
                     stroke_fill=look.palette.background)
    if season_title:
        f = font_for_text(season_title.upper(), int(44 * s), "DejaVuSans")
        draw_centred(draw, wrap(season_title.upper(), f, int(w * 0.84))[:1], f, cx, y + int(20 * s),
                     look.palette.accent)
    return canvas.convert("RGB")


def title_overlay(canvas: Image.Image, look: LookSpec, script: EpisodeScript, offset: tuple[int, int]) -> None:
    """"EP N" and the title in the top-left of the opening shot (inside a 6 % safe margin, never at an edge)."""
    w = canvas.width - 2 * offset[0]
    s = w / 1080
    draw = ImageDraw.Draw(canvas)
    x, y = offset[0] + int(w * 0.06), offset[1] + int(canvas.height * 0.09)
    label = f"EP {script.number}"
    f = font_for_text(label, int(64 * s), look.font)
    draw.text((x, y), label, font=f, fill=look.palette.primary, stroke_width=max(2, int(3 * s)),
              stroke_fill=look.palette.background)
    font, lines = fit_lines(script.title, lambda sz: font_for_text(script.title, int(sz * s), look.font),
                            [56, 48, 40], int(w * 0.6), 2)
    y += int(80 * s)
    for line in lines:
        draw.text((x, y), line, font=font, fill=look.palette.text, stroke_width=max(2, int(3 * s)),
                  stroke_fill=look.palette.background)
        y += int(font.size * 1.2)
