"""The season funnel: views per episode in order, how many came back for the next one, per platform — and its PNG.

A mini-drama lives on one number above all: the share of viewers who come back for the next episode. For each
platform this module takes the episodes' views in order and works out the carry-over from each episode to the next
(its drop-off is the rest), the best and the worst cliffhanger (highest and lowest carry-over), the most-watched
episode, and how much of episode 1's audience reached the last one. `render_funnel` draws it with Pillow: one panel
per platform, a bar per episode, the drop-off written between bars, best and worst marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

from PIL import Image, ImageDraw
from pydantic import BaseModel, Field

from tools.render.fonts import font_for_text, load_font

WIDTH, PANEL_H, HEADER_H, FOOTER_H = 1200, 430, 110, 40
BG, INK, MUTED, BAR, BEST, WORST, GRID, FRESH = ("#101820", "#f4f1ea", "#9aa5b1", "#4f8fd8", "#3fbf7f",
                                                 "#e0565b", "#24303c", "#34506e")
FRESH_HOURS = 48
PLATFORM_LABELS = {"tiktok": "TikTok", "youtube": "YouTube Shorts", "instagram": "Instagram Reels",
                   "facebook": "Facebook Reels", "outbox": "Outbox"}


class EpisodePoint(BaseModel):
    """One episode on one platform."""

    number: int
    title: str = ""
    views: int | None = None  # None: not published there yet, or no figures yet
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    avg_watch_s: float | None = None
    carried: float | None = None  # share of this episode's viewers who watched the next one (0–1)
    fresh: bool = False  # out for less than FRESH_HOURS: its views are still coming in, so its carry-in is provisional

    @property
    def drop_off(self) -> float | None:
        """Share of this episode's viewers who did not watch the next one."""
        return None if self.carried is None else max(0.0, 1.0 - self.carried)


class PlatformFunnel(BaseModel):
    """One platform's funnel for the season."""

    platform: str
    points: list[EpisodePoint]
    best: int | None = None  # the episode whose viewers came back most (its cliffhanger worked)
    worst: int | None = None  # the episode that lost the most viewers before the next
    most_viewed: int | None = None
    kept_overall: float | None = None  # last measured episode's views ÷ episode 1's

    @property
    def label(self) -> str:
        """How the platform is named on the chart."""
        return PLATFORM_LABELS.get(self.platform, self.platform.title())

    @property
    def total_views(self) -> int:
        """Views across the season on this platform."""
        return sum(p.views or 0 for p in self.points)

    def point(self, number: int) -> EpisodePoint | None:
        """The episode's point, when it is on this platform."""
        return next((p for p in self.points if p.number == number), None)


class SeasonFunnel(BaseModel):
    """Every platform's funnel for one season (a domain view: the thread shows the PNG and `to_text()`)."""

    season_title: str
    platforms: list[PlatformFunnel] = Field(default_factory=list)

    @property
    def has_figures(self) -> bool:
        """False until some post has views."""
        return any(p.views for f in self.platforms for p in f.points)

    def to_text(self) -> str:
        """A few plain sentences per platform (the PNG's caption, or the whole answer where images can't go)."""
        if not self.has_figures:
            return f"No figures yet for “{self.season_title}”: they arrive after the first episode goes out."
        lines = [f"How “{self.season_title}” is doing:"]
        for funnel in self.platforms:
            if not any(p.views for p in funnel.points):
                lines.append(f"{funnel.label}: no figures yet.")
                continue
            views = ", ".join(f"Ep {p.number} {p.views:,}" for p in funnel.points if p.views is not None)
            lines.append(f"{funnel.label}: {funnel.total_views:,} views ({views}).")
            best, worst = funnel.point(funnel.best or -1), funnel.point(funnel.worst or -1)
            if best is not None and best.carried is not None:
                lines.append(f"  Best cliffhanger: Ep {best.number} — {best.carried:.0%} came back for Ep "
                             f"{best.number + 1}.")
            if worst is not None and worst.carried is not None and worst.number != (best.number if best else None):
                lines.append(f"  Weakest: Ep {worst.number} — {worst.drop_off:.0%} didn't watch Ep "
                             f"{worst.number + 1}.")
            if funnel.kept_overall is not None:
                last = max(p.number for p in funnel.points if p.views is not None)
                lines.append(f"  {funnel.kept_overall:.0%} of Ep 1's audience reached Ep {last}.")
            fresh = [p.number for p in funnel.points if p.fresh and p.views is not None]
            if fresh:
                lines.append(f"  Ep {', '.join(map(str, fresh))} only just came out: "
                             "their numbers are still coming in.")
        return "\n".join(lines)


def build_funnel(platform: str, points: Iterable[EpisodePoint]) -> PlatformFunnel:
    """Order the episodes and work out carry-over, best, worst, most viewed and what reached the end."""
    ordered = sorted(points, key=lambda p: p.number)
    done = [p.model_copy() for p in ordered]
    for here, there in pairwise(done):
        if here.views and there.views is not None and there.number == here.number + 1:
            here.carried = min(1.0, there.views / here.views)
    nexts = {p.number: p for p in done}
    # an episode out for a day or so has not had its audience yet: its carry-in is shown, not judged
    measured = [p for p in done if p.carried is not None and not nexts[p.number + 1].fresh]
    viewed = [p for p in done if p.views]
    funnel = PlatformFunnel(platform=platform, points=done)
    if measured:
        funnel.best = max(measured, key=lambda p: (p.carried, -p.number)).number
        funnel.worst = min(measured, key=lambda p: (p.carried, p.number)).number
    if viewed:
        funnel.most_viewed = max(viewed, key=lambda p: (p.views, -p.number)).number
        first = next((p for p in done if p.number == 1 and p.views), None)
        last = viewed[-1]
        if first is not None and last.number > 1 and first.views:
            funnel.kept_overall = (last.views or 0) / first.views
    return funnel


def _panel(draw: ImageDraw.ImageDraw, funnel: PlatformFunnel, top: int) -> None:
    """One platform: title line, bars with views, carry-over between bars, best (green) and worst (red)."""
    title, small, tiny = load_font("DejaVuSans-Bold", 30), load_font("DejaVuSans", 22), load_font("DejaVuSans", 18)
    summary = f"{funnel.total_views:,} views"
    if funnel.kept_overall is not None:
        last = max(p.number for p in funnel.points if p.views)
        summary += f" · {funnel.kept_overall:.0%} of Ep 1's viewers reached Ep {last}"
    draw.text((40, top + 12), funnel.label, font=title, fill=INK)
    draw.text((40 + draw.textlength(funnel.label, font=title) + 20, top + 20), summary, font=small, fill=MUTED)
    chart_top, chart_bottom = top + 110, top + PANEL_H - 70
    peak = max((p.views or 0 for p in funnel.points), default=0) or 1
    count = max(1, len(funnel.points))
    slot = (WIDTH - 80) / count
    bar_w = min(70.0, slot * 0.55)
    draw.line([(40, chart_bottom), (WIDTH - 40, chart_bottom)], fill=GRID, width=2)
    for index, point in enumerate(funnel.points):
        x0 = 40 + index * slot + (slot - bar_w) / 2
        colour = BEST if point.number == funnel.best else WORST if point.number == funnel.worst else (
            FRESH if point.fresh else BAR)
        if point.views is None:
            draw.text((x0, chart_bottom - 26), "—", font=small, fill=MUTED)
        else:
            height = (chart_bottom - chart_top) * point.views / peak
            draw.rectangle([x0, chart_bottom - height, x0 + bar_w, chart_bottom], fill=colour)
            label = f"{point.views:,}" if point.views < 100_000 else f"{point.views / 1000:.0f}k"
            draw.text((x0 + bar_w / 2, chart_bottom - height - 6), label, font=tiny, fill=INK, anchor="md")
        draw.text((x0 + bar_w / 2, chart_bottom + 10), f"Ep {point.number}", font=tiny, fill=MUTED, anchor="ma")
        if point.carried is not None:  # between this bar and the next: the share that came back
            xm = 40 + (index + 1) * slot
            provisional = (funnel.point(point.number + 1) or point).fresh
            draw.text((xm, chart_bottom + 36), f"{'~' if provisional else ''}{point.carried:.0%}", font=tiny,
                      fill=BEST if point.number == funnel.best else WORST if point.number == funnel.worst else MUTED,
                      anchor="ma")


def render_funnel(season: SeasonFunnel, out_path: Path) -> Path:
    """Draw the season funnel (one panel per platform) as a PNG and return its path."""
    panels = [f for f in season.platforms if f.points] or []
    height = HEADER_H + PANEL_H * max(1, len(panels)) + FOOTER_H
    image = Image.new("RGB", (WIDTH, height), BG)
    draw = ImageDraw.Draw(image)
    heading, size = f"{season.season_title} — season funnel", 40
    while size > 22 and draw.textlength(heading, font=font_for_text(heading, size, "DejaVuSans-Bold")) > WIDTH - 80:
        size -= 2  # a long season title shrinks to fit instead of running off the edge
    draw.text((40, 30), heading, font=font_for_text(heading, size, "DejaVuSans-Bold"), fill=INK)
    draw.text((40, 80), "views per episode · % = viewers who came back for the next episode · green best, red "
              "worst · dim = out < 2 days",
              font=load_font("DejaVuSans", 18), fill=MUTED)
    if not panels:
        draw.text((40, HEADER_H + 40), "No figures yet.", font=load_font("DejaVuSans", 28), fill=MUTED)
    for index, funnel in enumerate(panels):
        _panel(draw, funnel, HEADER_H + index * PANEL_H)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    image.save(out_path, format="PNG", optimize=True)
    return out_path


# the simulated season's cliffhangers (Ep n → n+1): a gentle decline, a strong Ep 2 and a weak Ep 3 ending
DEFAULT_CARRY = (0.82, 0.9, 0.64, 0.88, 0.93, 0.8, 0.86, 0.9, 0.85, 0.9, 0.88)


def simulate_audience(episodes: int, *, first_day_views: int = 4000, carry: Sequence[float] | None = None,
                      days: int = 7, release_every_days: float = 1.0) -> list[dict[int, int]]:
    """A plausible week of cumulative views per episode, day by day — for the demo's local stand-ins and tests.

    Episode n is released every `release_every_days`; its audience is episode n-1's times the carry-over of n-1's
    cliffhanger (`carry`, default a gentle decline with one weak and one strong episode), and it accrues along a
    saturating curve (half on day one). Deterministic: no randomness, so a demo's report is reproducible.
    """
    carry = carry or DEFAULT_CARRY[:max(1, episodes - 1)]
    final = [float(first_day_views) * 2.2]
    for n in range(1, episodes):
        final.append(final[-1] * carry[(n - 1) % len(carry)])
    timeline = []
    for day in range(1, days + 1):
        today = {}
        for index, total in enumerate(final):
            age = day - index * release_every_days
            if age > 0:
                today[index + 1] = int(total * (1 - 0.5 ** age))
        timeline.append(today)
    return timeline
