"""The demo's local destinations: publishers built through the plug-in registry reach the stand-ins, a simulated
week of views comes back, and nothing waits on processing."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from agent.domain import Cadence
from agent.services.metrics import how_are_we_doing, metrics_sources, publication_figures
from agent.store.db import Store
from integrations.local_destinations import local_destinations, simulate_week
from integrations.publishers import make_publishers
from integrations.tiktok.display import metrics_from_settings
from tests.tools.test_publish import make_season
from tools.publish import publish_due, schedule_season
from tools.publish_ledger import PublicationState

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EP1_AT = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def test_demo_destinations_publish_and_play_a_week(store: Store, tmp_path: Path) -> None:
    with local_destinations(("tiktok", "youtube")) as local:
        publishers = {p.name: p for p in make_publishers(["tiktok", "youtube"], **local.values(),
                                                         publish_state=PublicationState(store))}
        season_id = make_season(store, tmp_path, episodes=4)
        schedule_season(store, season_id, Cadence(timezone="America/New_York", start=date(2026, 12, 1)),
                        platforms=("tiktok", "youtube"), now=NOW)
        started = time.perf_counter()
        for day in range(4):
            publish_due(store, publishers, EP1_AT + timedelta(days=day))
        assert time.perf_counter() - started < 20  # no processing waits against the local stand-ins
        assert local.tiktok and len(local.tiktok.posts) == 4 and local.youtube and len(local.youtube.videos) == 4
        assert "local stand-in at http://127.0.0.1:" in local.label("youtube")

        sources = metrics_sources(publishers, [metrics_from_settings(**local.values())])
        reports = simulate_week(local, store, season_id, sources, start=EP1_AT)
        assert len(reports) == 7 and all(not r.problems for r in reports) and reports[-1].stored == {
            "tiktok": 4, "youtube": 4}
        answer = how_are_we_doing(store, season_id, tmp_path, now=EP1_AT + timedelta(days=7))
        assert answer.png is not None and "TikTok" in answer.text and "YouTube Shorts" in answer.text
        per_episode = publication_figures(store, season_id)
        assert all(len(pubs) == 2 and all((p["figures"] or {}).get("views") for p in pubs)
                   for pubs in per_episode.values())
        tiktok_views = [next(p for p in per_episode[n] if p["destination"] == "tiktok")["figures"]["views"]
                        for n in range(1, 5)]
        assert tiktok_views == sorted(tiktok_views, reverse=True)  # a funnel: every episode below the one before


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="no local stand-in for threads"), local_destinations(("threads",)):
        pass
