"""A season through the real publish sweep to three destinations' stand-ins, exactly once, then its figures back.

TikTok, YouTube and Instagram publishers keep their progress in the publication ledger (PublicationState), as the
composition root wires them; the sweep runs on a simulated clock, twice per slot; a week of simulated views comes
back through pull_metrics and reads as the season funnel.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from agent.domain import Cadence
from agent.services.metrics import how_are_we_doing, metrics_sources, publication_figures, pull_metrics
from agent.store.db import Store
from agent.store.models import Publication
from integrations.facebook.graph import GraphClient
from integrations.instagram import InstagramPublisher
from integrations.tiktok import TikTokClient, TikTokPublisher
from integrations.tiktok.display import TikTokMetrics
from integrations.youtube import YouTubeClient, YouTubePublisher
from tests.fakes.facebook_server import IG_USER, fake_graph
from tests.fakes.tiktok_server import fake_tiktok
from tests.fakes.youtube_server import fake_youtube
from tests.tools.test_publish import make_season
from tools.funnel import simulate_audience
from tools.publish import publish_due, schedule_season
from tools.publish_ledger import PublicationState

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EP1_AT = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 18:00 New York


def test_three_destinations_once_each_and_figures_back(store: Store, tmp_path: Path) -> None:
    no_wait = {"sleep": lambda _: None}
    with fake_tiktok() as tiktok, fake_youtube() as youtube, fake_graph() as graph:
        ledger = PublicationState(store)
        publishers = {
            "tiktok": TikTokPublisher(TikTokClient(tiktok.token, base_url=tiktok.base_url, **no_wait), ledger,
                                      poll_interval_s=0.0),
            "youtube": YouTubePublisher(YouTubeClient(youtube.token, base_url=youtube.base_url, **no_wait), ledger,
                                        poll_interval_s=0.0, **no_wait),
            "instagram": InstagramPublisher(GraphClient(graph.token, base_url=graph.base_url, **no_wait), IG_USER,
                                            ledger, poll_interval_s=0.0, **no_wait)}
        season_id = make_season(store, tmp_path, episodes=3)
        schedule_season(store, season_id, Cadence(timezone="America/New_York", start=date(2026, 12, 1)),
                        platforms=("tiktok", "youtube", "instagram"), now=NOW)
        for day in range(3):
            for late in (0, 30):  # the sweep runs twice per slot
                publish_due(store, publishers, EP1_AT + timedelta(days=day, minutes=late))
        assert (len(tiktok.posts), len(youtube.videos), len(graph.media)) == (3, 3, 3)
        assert len(youtube.playlists) == 1 and len(youtube.playlist_items) == 3
        assert all(p.post_info["is_aigc"] is True for p in tiktok.posts.values())  # the AI label is declared
        assert all(v["status"]["containsSyntheticMedia"] is True for v in youtube.videos.values())
        assert sorted(c["caption"].split(" · ")[0] for c in graph.containers.values()) == [
            "Part 1/3", "Part 2/3", "Part 3/3"]  # Reels have no series: the package knows the season's length
        assert all(v["status"]["selfDeclaredMadeForKids"] is False for v in youtube.videos.values())
        with store.session() as s:
            states = s.scalars(select(Publication.external_state)).all()
            assert s.scalar(select(func.count()).select_from(Publication).where(
                Publication.status == "PUBLISHED")) == 9
        assert all(state and state.get("final") for state in states)  # progress lived in the ledger rows

        # a simulated week of views, pulled once a day
        figures = publication_figures(store, season_id)
        ids = {(p["destination"], n): p["external_id"] for n, pubs in figures.items() for p in pubs}
        sources = metrics_sources(publishers, [TikTokMetrics(tiktok.token, base_url=tiktok.base_url)])
        for day, views in enumerate(simulate_audience(3, days=7), start=1):
            for number, count in views.items():
                tiktok.set_stats(ids[("tiktok", number)], count)
                youtube.set_statistics(ids[("youtube", number)], count // 5)
                graph.insights[ids[("instagram", number)]] = {"views": count // 3}
            report = pull_metrics(store, sources, now=EP1_AT + timedelta(days=day, hours=12))
            assert not report.problems
        answer = how_are_we_doing(store, season_id, tmp_path / "out", now=EP1_AT + timedelta(days=7, hours=12))
        assert answer.png is not None and answer.png.exists()
        assert [f.platform for f in answer.funnel.platforms] == ["instagram", "tiktok", "youtube"]
        tk = answer.funnel.platforms[1]
        assert [p.views for p in tk.points] == list(simulate_audience(3, days=7)[-1].values())
        assert all(len(pubs) == 3 and all(p["figures"] for p in pubs)
                   for pubs in publication_figures(store, season_id).values())
