"""Bring the numbers back: pull each published episode's figures into the database, and read them as a funnel.

`pull_metrics` is the periodic job: for every PUBLISHED episode publication with an external id it asks that
platform's metrics source (a publisher with `post_metrics`, or a separate reader such as TikTok's Display API) and
stores one `PostMetric` row per post per pull. A platform that fails is reported by name and skipped — the others
still land. `season_funnel` reads the latest figures per post into tools.funnel's SeasonFunnel (views per episode in
order, carry-over to the next, best and worst), and `weekly_digest` adds what changed over the last seven days.
No adapter is imported: sources arrive as arguments from the composition root.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import func, select

from agent.redaction import redact
from agent.store.db import Store
from agent.store.models import Episode, PostMetric, Publication, Season, Slot, utcnow
from tools.funnel import FRESH_HOURS, EpisodePoint, SeasonFunnel, build_funnel, render_funnel
from tools.publish_ledger import as_utc

PUBLISHED = "PUBLISHED"  # tools/publish_ledger's state for a publication that went out
COUNTS = ("views", "likes", "comments", "shares")


class MetricsSource(Protocol):
    """Reads figures for posts on one platform: {external id: {"views": …, "likes": …, "avg_watch_s": …}}."""

    name: str

    def post_metrics(self, external_ids: list[str]) -> Mapping[str, Mapping[str, float]]:
        """Figures for the ids it knows; ids it has nothing for are simply absent."""
        ...


def metrics_sources(publishers: Mapping[str, object], extra: Iterable[MetricsSource] = ()) -> dict[str,
                                                                                                   MetricsSource]:
    """Every publisher that can read its own figures, plus separate readers (which win for their platform)."""
    found: dict[str, MetricsSource] = {name: p for name, p in publishers.items()  # type: ignore[misc]
                                       if callable(getattr(p, "post_metrics", None))}
    found.update({source.name: source for source in extra})
    return found


@dataclass
class PullReport:
    """What one pull stored, per platform, and which platforms could not be read (and why, redacted)."""

    stored: dict[str, int] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows stored across platforms."""
        return sum(self.stored.values())


def _redact(text: str) -> str:
    return redact(text)[:300]


def _as_int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def pull_metrics(store: Store, sources: Mapping[str, MetricsSource], *, now: datetime | None = None,
                 season_id: int | None = None) -> PullReport:
    """Ask each platform for its published episodes' figures and store one PostMetric row per post."""
    moment = now or utcnow()
    query = (select(Publication.id, Publication.publisher, Publication.external_id)
             .join(Slot, Slot.id == Publication.slot_id)
             .where(Publication.status == PUBLISHED, Publication.external_id.is_not(None)))
    if season_id is not None:
        query = query.join(Episode, Episode.id == Slot.episode_id).where(Episode.season_id == season_id)
    by_platform: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with store.session() as session:
        for pub_id, platform, external_id in session.execute(query):
            by_platform[platform].append((pub_id, str(external_id)))
    report = PullReport()
    for platform, posts in sorted(by_platform.items()):
        source = sources.get(platform)
        if source is None:
            continue
        try:
            figures = source.post_metrics(sorted({ext for _, ext in posts}))
        except Exception as exc:  # noqa: BLE001 — one platform failing must not lose the others' figures
            report.problems[platform] = _redact(f"{type(exc).__name__}: {exc}")
            continue
        rows = []
        for pub_id, external_id in posts:
            found = figures.get(external_id)
            if found is None:
                continue
            rows.append(PostMetric(
                publication_id=pub_id, platform=platform, external_id=external_id, captured_at=moment,
                **{name: _as_int(found.get(name)) for name in COUNTS},
                avg_watch_s=found.get("avg_watch_s"), completion_rate=found.get("completion_rate"),
                raw={k: v for k, v in found.items() if isinstance(v, (int, float))}))
        with store.session() as session:
            session.add_all(rows)
            session.commit()
        report.stored[platform] = len(rows)
    return report


def _latest(store: Store, season_id: int, before: datetime | None = None) -> tuple[str, list[tuple[Any, ...]]]:
    """The season's title and (platform, number, title, published_at, latest figures or None) per publication."""
    with store.session() as session:
        title = session.get_one(Season, season_id).title
        newest = select(PostMetric.publication_id, func.max(PostMetric.id).label("last_id"))
        if before is not None:
            newest = newest.where(PostMetric.captured_at <= before)
        newest_q = newest.group_by(PostMetric.publication_id).subquery()
        rows = session.execute(
            select(Publication.publisher, Episode.number, Episode.title, Publication.published_at, PostMetric)
            .join(Slot, Slot.id == Publication.slot_id).join(Episode, Episode.id == Slot.episode_id)
            .outerjoin(newest_q, newest_q.c.publication_id == Publication.id)
            .outerjoin(PostMetric, PostMetric.id == newest_q.c.last_id)
            .where(Episode.season_id == season_id, Publication.status == PUBLISHED)
            .order_by(Publication.publisher, Episode.number)).all()
        return title, [(platform, number, ep_title, published, None if m is None else {
            "views": m.views, "likes": m.likes, "comments": m.comments, "shares": m.shares,
            "avg_watch_s": m.avg_watch_s}) for platform, number, ep_title, published, m in rows]


def season_funnel(store: Store, season_id: int, *, platforms: Iterable[str] | None = None,
                  as_of: datetime | None = None) -> SeasonFunnel:
    """Latest figures per published episode, per platform, as a funnel (optionally as they stood at `as_of`).

    An episode published less than FRESH_HOURS before `as_of` (default now) is marked fresh: its audience is still
    arriving, so the drop-off into it is shown but not judged best or worst.
    """
    title, rows = _latest(store, season_id, as_of)
    moment = as_of or utcnow()
    points: dict[str, dict[int, EpisodePoint]] = defaultdict(dict)
    for platform, number, ep_title, published, figures in rows:
        fresh = published is not None and as_utc(published) > moment - timedelta(hours=FRESH_HOURS)
        points[platform][number] = EpisodePoint(number=number, title=ep_title, fresh=fresh, **(figures or {}))
    wanted = list(platforms) if platforms is not None else sorted(points)
    return SeasonFunnel(season_title=title,
                        platforms=[build_funnel(p, points.get(p, {}).values()) for p in wanted])


class Digest(BaseModel):
    """The weekly digest: the funnel now, and the views each platform gained over the week."""

    funnel: SeasonFunnel
    gained: dict[str, int]
    since: datetime

    def to_text(self) -> str:
        """The digest in plain sentences (the funnel PNG goes with it)."""
        week = ", ".join(f"{self.funnel_label(p)} +{n:,}" for p, n in self.gained.items()) or "no new views"
        return f"Weekly digest (since {self.since:%d %b}): {week}.\n" + self.funnel.to_text()

    def funnel_label(self, platform: str) -> str:
        """The platform's display name."""
        return next((f.label for f in self.funnel.platforms if f.platform == platform), platform)


def weekly_digest(store: Store, season_id: int, *, now: datetime | None = None) -> Digest:
    """The season's funnel now plus views gained per platform over the last seven days."""
    moment = now or utcnow()
    since = moment - timedelta(days=7)
    current, before = season_funnel(store, season_id, as_of=moment), season_funnel(store, season_id, as_of=since)
    gained = {f.platform: f.total_views - next((b.total_views for b in before.platforms if b.platform == f.platform),
                                               0) for f in current.platforms}
    return Digest(funnel=current, gained=gained, since=since)


class FunnelAnswer(BaseModel):
    """What "how are we doing?" answers with: the funnel's sentences and its chart."""

    text: str
    png: Path | None  # None until some post has figures (the text then says so)
    funnel: SeasonFunnel


def how_are_we_doing(store: Store, season_id: int, out_dir: Path, *, now: datetime | None = None,
                     platforms: Iterable[str] | None = None) -> FunnelAnswer:
    """The season funnel as text + PNG (`<out_dir>/funnel-season-<id>.png`), for the thread or the digest."""
    funnel = season_funnel(store, season_id, platforms=platforms, as_of=now)
    png = render_funnel(funnel, out_dir / f"funnel-season-{season_id}.png") if funnel.has_figures else None
    return FunnelAnswer(text=funnel.to_text(), png=png, funnel=funnel)


def publication_figures(store: Store, season_id: int) -> dict[int, list[dict[str, Any]]]:
    """Per episode number, each destination's publication and its latest figures (for report.json and status)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    with store.session() as session:
        newest = (select(PostMetric.publication_id, func.max(PostMetric.id).label("last_id"))
                  .group_by(PostMetric.publication_id).subquery())
        rows = session.execute(
            select(Episode.number, Publication, PostMetric)
            .join(Slot, Slot.id == Publication.slot_id).join(Episode, Episode.id == Slot.episode_id)
            .outerjoin(newest, newest.c.publication_id == Publication.id)
            .outerjoin(PostMetric, PostMetric.id == newest.c.last_id)
            .where(Episode.season_id == season_id).order_by(Episode.number, Publication.publisher)).all()
        for number, pub, metric in rows:
            figures = None if metric is None else {
                "views": metric.views, "likes": metric.likes, "comments": metric.comments, "shares": metric.shares,
                "avg_watch_s": metric.avg_watch_s, "as_of": as_utc(metric.captured_at).isoformat()}
            found[number].append({"destination": pub.publisher, "status": pub.status,
                                  "external_id": pub.external_id, "location": pub.location,
                                  "published_at": as_utc(pub.published_at).isoformat() if pub.published_at else None,
                                  "figures": figures})
    return dict(found)
