"""The season board: one PNG with every episode's thumbnail, a state badge on each, and the release calendar.

Posted into the thread with the status answer so a team sees the whole season at a glance (which episodes are
approved, which wait, when each drops) without opening eight cards. Drawn with Pillow from a SeasonView — the same
database read as the text answer — so the picture can never disagree with the words.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tools.render.fonts import font_for_text, load_font
from tools.status import EpisodeView, SeasonView

WIDTH = 1200
MARGIN = 40
COLUMNS = 4
GAP = 24
THUMB_W = (WIDTH - 2 * MARGIN - (COLUMNS - 1) * GAP) // COLUMNS  # 261
THUMB_H = THUMB_W * 16 // 9  # vertical video covers
LABEL_H = 56
HEADER_H = 130
CAL_CELL_H = 64
CAL_TITLE_H = 60
BACKGROUND = (24, 24, 32)
CARD = (44, 44, 56)
TEXT = (240, 240, 245)
MUTED = (160, 160, 175)
ELLIPSIS = "…"

# state → (badge label, badge colour); the colours are the board's legend
BADGES: dict[str, tuple[str, tuple[int, int, int]]] = {
    "SCRIPTED": ("SCRIPTED", (110, 110, 125)),
    "RENDERING": ("RENDERING", (90, 120, 200)),
    "RENDERED": ("IN REVIEW", (230, 170, 40)),
    "IN_REVIEW": ("IN REVIEW", (230, 170, 40)),
    "APPROVED": ("APPROVED", (46, 182, 125)),
    "CHANGES_REQUESTED": ("CHANGES", (224, 30, 90)),
    "SCHEDULED": ("SCHEDULED", (54, 197, 240)),
    "PUBLISHED": ("PUBLISHED", (120, 80, 220)),
    "FAILED": ("FAILED", (200, 40, 40)),
}


def badge_for(status: str) -> tuple[str, tuple[int, int, int]]:
    """The label and colour of an episode state's badge."""
    return BADGES.get(status, (status.replace("_", " "), (110, 110, 125)))


def _slot_dates(view: SeasonView) -> dict[date, list[int]]:
    """Release day → episode numbers dropping that day."""
    days: dict[date, list[int]] = {}
    for ep in view.episodes:
        if ep.publish_at:
            day = datetime.fromisoformat(ep.publish_at).date()
            days.setdefault(day, []).append(ep.number)
    return days


def _weeks(days: dict[date, list[int]]) -> list[date]:
    """Mondays of every week from the first release to the last."""
    if not days:
        return []
    first, last = min(days), max(days)
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def board_size(view: SeasonView) -> tuple[int, int]:
    """Pixel size of the board for this season (grows with episodes and calendar weeks)."""
    rows = max(1, -(-len(view.episodes) // COLUMNS))
    grid_h = rows * (THUMB_H + LABEL_H) + (rows - 1) * GAP
    weeks = len(_weeks(_slot_dates(view)))
    calendar_h = CAL_TITLE_H + (CAL_CELL_H // 2) + max(1, weeks) * CAL_CELL_H
    return WIDTH, HEADER_H + grid_h + GAP * 2 + calendar_h + MARGIN


def _thumbnail(ep: EpisodeView) -> Image.Image:
    """The episode's cover scaled to fill the tile, or a placeholder while there is none."""
    tile = Image.new("RGB", (THUMB_W, THUMB_H), CARD)
    if ep.cover_path and Path(ep.cover_path).is_file():
        with Image.open(ep.cover_path) as cover:
            cover = cover.convert("RGB")
            scale = max(THUMB_W / cover.width, THUMB_H / cover.height)
            resized = cover.resize((max(1, round(cover.width * scale)), max(1, round(cover.height * scale))))
            left, top = (resized.width - THUMB_W) // 2, (resized.height - THUMB_H) // 2
            tile.paste(resized.crop((left, top, left + THUMB_W, top + THUMB_H)))
    else:
        draw = ImageDraw.Draw(tile)
        font = load_font("DejaVuSans", 22)
        draw.text((THUMB_W // 2, THUMB_H // 2), "no render yet", font=font, fill=MUTED, anchor="mm")
    return tile


def fit_line(text: str, size: int, face: str, max_width: int) -> tuple[str, ImageFont.FreeTypeFont]:
    """`text` cut (ending in "…") until it measures at most `max_width` px, with the font that draws it.

    Titles are user copy in any script or several at once; the font comes from font_for_text (a mixed-script
    string is measured run by run), so the board never runs text past a tile or the image edge.
    """
    font = font_for_text(text + ELLIPSIS, size, face)
    if font.getlength(text) <= max_width:
        return text, font
    while len(text) > 1 and font.getlength(text.rstrip(" ·,") + ELLIPSIS) > max_width:
        text = text[:-1]
    return text.rstrip(" ·,") + ELLIPSIS, font


def _draw_badge(draw: ImageDraw.ImageDraw, x: int, y: int, status: str, font: ImageFont.FreeTypeFont) -> None:
    label, colour = badge_for(status)
    width = int(draw.textlength(label, font=font)) + 24
    draw.rounded_rectangle((x, y, x + width, y + 34), radius=10, fill=colour)
    draw.text((x + 12, y + 17), label, font=font, fill=(255, 255, 255), anchor="lm")


def _draw_grid(image: Image.Image, view: SeasonView, top: int) -> int:
    draw = ImageDraw.Draw(image)
    badge_font, label_font = load_font("DejaVuSans-Bold", 18), load_font("DejaVuSans", 20)
    y = top
    for index, ep in enumerate(view.episodes):
        col, row = index % COLUMNS, index // COLUMNS
        x, y = MARGIN + col * (THUMB_W + GAP), top + row * (THUMB_H + LABEL_H + GAP)
        image.paste(_thumbnail(ep), (x, y))
        _draw_badge(draw, x + 10, y + 10, ep.status, badge_font)
        title, label_font = fit_line(f"Ep {ep.number} · {ep.title}", 20, "DejaVuSans", THUMB_W)
        draw.text((x, y + THUMB_H + 10), title, font=label_font, fill=TEXT)
        if ep.versions > 1:
            draw.text((x, y + THUMB_H + 34), f"v{ep.versions}", font=load_font("DejaVuSans", 16), fill=MUTED)
    rows = max(1, -(-len(view.episodes) // COLUMNS))
    return top + rows * (THUMB_H + LABEL_H) + (rows - 1) * GAP


def _draw_calendar(image: Image.Image, view: SeasonView, top: int) -> None:
    draw = ImageDraw.Draw(image)
    title_font, day_font, ep_font = (load_font("DejaVuSans-Bold", 26), load_font("DejaVuSans", 16),
                                     load_font("DejaVuSans-Bold", 18))
    draw.text((MARGIN, top), "Release calendar", font=title_font, fill=TEXT)
    timed = next((ep.release_times() for ep in view.episodes if ep.release_times()), "")
    if timed:  # several destinations, each at its own time (issue 15): said once, beside the title
        x = MARGIN + int(draw.textlength("Release calendar", font=title_font)) + 24
        legend, legend_font = fit_line(f"each drop: {timed}", 18, "DejaVuSans", WIDTH - MARGIN - x)
        draw.text((x, top + 8), legend, font=legend_font, fill=MUTED)
    days = _slot_dates(view)
    weeks = _weeks(days)
    top += CAL_TITLE_H
    if not weeks:
        draw.text((MARGIN, top + 10), "Not scheduled yet — approve the episodes, then say “schedule daily at 6pm”.",
                  font=day_font, fill=MUTED)
        return
    cell_w = (WIDTH - 2 * MARGIN) // 7
    for i, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        draw.text((MARGIN + i * cell_w + 8, top), name, font=day_font, fill=MUTED)
    top += CAL_CELL_H // 2
    status = {ep.number: ep.status for ep in view.episodes}
    for w, monday in enumerate(weeks):
        for d in range(7):
            day = monday + timedelta(days=d)
            x, y = MARGIN + d * cell_w, top + w * CAL_CELL_H
            numbers = days.get(day, [])
            fill = badge_for(status[numbers[0]])[1] if numbers else CARD
            draw.rectangle((x + 2, y + 2, x + cell_w - 2, y + CAL_CELL_H - 2), fill=fill)
            draw.text((x + 8, y + 6), f"{day:%d %b}", font=day_font, fill=TEXT)
            if numbers:
                draw.text((x + 8, y + 30), ", ".join(f"Ep {n}" for n in numbers), font=ep_font, fill=(255, 255, 255))


def render_board(view: SeasonView, out: Path) -> Path:
    """Draw the board PNG for `view` at `out` and return the path."""
    width, height = board_size(view)
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title, title_font = fit_line(view.title, 36, "DejaVuSans-Bold", WIDTH - 2 * MARGIN)
    draw.text((MARGIN, MARGIN), title, font=title_font, fill=TEXT)
    counts = ", ".join(f"{n} {badge_for(s)[0].lower()}" for s, n in sorted(view.state_counts().items()))
    subtitle = f"Stage {view.status} · {len(view.episodes)} episodes"
    if view.next_publish:
        subtitle += f" · next drop {datetime.fromisoformat(view.next_publish):%a %d %b %H:%M} UTC"
    subtitle += f" · {counts}" if counts else ""
    subtitle, font = fit_line(subtitle, 20, "DejaVuSans", WIDTH - 2 * MARGIN)
    draw.text((MARGIN, MARGIN + 50), subtitle, font=font, fill=MUTED)
    bottom = _draw_grid(image, view, HEADER_H)
    _draw_calendar(image, view, bottom + GAP * 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG", optimize=True)
    return out
