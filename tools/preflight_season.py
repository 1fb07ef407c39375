"""Preflight for a season in the database: read each episode's latest finished render and caption, ask the
publishers for their limits, and run the pure checks in tools/preflight.py.

This is the one place preflight touches the store; the checks stay pure. The caption follows the package the
sweep will build (tools/publish_package.build_package): "<title> (Ep N) — <cold open>" plus the season's hashtags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select

from agent.store.db import Store
from agent.store.models import EPISODE, Episode, Publication, Render, Season, utcnow
from tools.hashtags import hashtag
from tools.preflight import EpisodeFacts, PreflightView, collect_limits, preflight


def season_facts(store: Store, season_id: int) -> tuple[str, list[EpisodeFacts], list[str]]:
    """(season title, one EpisodeFacts per episode, the brief's platforms) from the newest DONE render of each."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        brief = season.brief or {}
        tags = list(dict.fromkeys([*(hashtag(t) for t in (brief.get("brand", ""), season.title)
                                     if hashtag(t)), "#minidrama"]))
        facts = []
        for episode in session.scalars(select(Episode).where(Episode.season_id == season_id)
                                       .order_by(Episode.number)):
            render = session.scalars(select(Render).where(
                Render.episode_id == episode.id, Render.kind == EPISODE, Render.status == "DONE")
                .order_by(Render.id.desc())).first()
            script = next((v.script for v in episode.scripts if render and v.id == render.script_version_id), {})
            cold_open = str(script.get("cold_open", "")).strip()
            caption = f"{episode.title} (Ep {episode.number})" + (f" — {cold_open}" if cold_open else "")
            facts.append(EpisodeFacts(number=episode.number, title=episode.title, caption=caption, hashtags=tags,
                                      duration_s=render.duration_s if render else None,
                                      width=render.width if render else None,
                                      height=render.height if render else None))
        return season.title, facts, [str(p) for p in brief.get("platforms") or []]


def posted_last_day(store: Store, platforms: Sequence[str], now: datetime | None = None) -> dict[str, int]:
    """Publications each platform made in the last 24 h, from the ledger (every worker's, not one process's)."""
    since = (now or utcnow()) - timedelta(hours=24)
    with store.session() as session:
        rows = session.execute(select(Publication.publisher, func.count()).where(
            Publication.publisher.in_(list(platforms)), Publication.published_at >= since)
            .group_by(Publication.publisher)).all()
    return {str(platform): int(count) for platform, count in rows}


def season_preflight(store: Store, season_id: int, publishers: Mapping[str, object],
                     platforms: Sequence[str] | None = None, *, now: datetime | None = None) -> PreflightView:
    """Preflight the season for `platforms` (default: the brief's, else every configured publisher).

    Quota left is the smaller of what the platform (or the publisher's own books) says and its daily allowance
    minus what the ledger shows was posted in the last 24 h — a worker elsewhere may have used some.
    """
    title, facts, wanted = season_facts(store, season_id)
    chosen = list(platforms or wanted or publishers)
    limits = collect_limits({p: publishers[p] for p in chosen if p in publishers})
    used = posted_last_day(store, chosen, now)
    for platform, found in limits.items():
        daily = found.get("posts_per_day")
        if isinstance(daily, int) and not found.get("problem"):
            by_ledger = max(0, daily - used.get(platform, 0))
            reported = found.get("quota_left")
            found["quota_left"] = by_ledger if reported is None else min(int(reported), by_ledger)
    return preflight(title, facts, chosen, limits)
