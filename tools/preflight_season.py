"""Preflight for a season in the database: read each episode's latest finished render and caption, ask the
publishers for their limits, and run the pure checks in tools/preflight.py.

This is the one place preflight touches the store; the checks stay pure. The caption follows the package the
sweep will build (tools/publish_package.build_package): "<title> (Ep N) — <cold open>" plus the season's hashtags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from agent.store.db import Store
from agent.store.models import EPISODE, Episode, Render, Season
from tools.preflight import EpisodeFacts, PreflightView, collect_limits, preflight
from tools.publish_package import hashtag


def season_facts(store: Store, season_id: int) -> tuple[str, list[EpisodeFacts], list[str]]:
    """(season title, one EpisodeFacts per episode, the brief's platforms) from the newest DONE render of each."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        brief = season.brief or {}
        tags = list(dict.fromkeys([*(hashtag(t) for t in (brief.get("brand", ""), season.title)
                                     if hashtag(t) != "#"), "#minidrama"]))
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


def season_preflight(store: Store, season_id: int, publishers: Mapping[str, object],
                     platforms: Sequence[str] | None = None) -> PreflightView:
    """Preflight the season for `platforms` (default: the brief's, else every configured publisher)."""
    title, facts, wanted = season_facts(store, season_id)
    chosen = list(platforms or wanted or publishers)
    return preflight(title, facts, chosen, collect_limits({p: publishers[p] for p in chosen if p in publishers}))
