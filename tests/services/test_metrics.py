"""Metrics back: figures pulled from the platforms' stand-ins into post_metrics, read back as the season funnel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.services.metrics import (
    how_are_we_doing,
    metrics_sources,
    publication_figures,
    pull_metrics,
    season_funnel,
    weekly_digest,
)
from agent.store.db import Store
from agent.store.models import Episode, Look, PostMetric, Publication, Render, ScriptVersion, Season, Slot
from integrations.facebook.graph import GraphClient
from integrations.instagram import InstagramPublisher
from integrations.tiktok.display import TikTokMetrics
from integrations.tiktok.state import JsonFileState
from integrations.youtube import YouTubeClient, YouTubePublisher
from tests.fakes.facebook_server import IG_USER, FakeGraphState, fake_graph
from tests.fakes.tiktok_server import FakeTikTokState, fake_tiktok
from tests.fakes.youtube_server import FakeYouTubeState, fake_youtube

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


@pytest.fixture
def tiktok() -> Iterator[FakeTikTokState]:
    with fake_tiktok() as state:
        yield state


@pytest.fixture
def youtube() -> Iterator[FakeYouTubeState]:
    with fake_youtube() as state:
        yield state


@pytest.fixture
def graph() -> Iterator[FakeGraphState]:
    with fake_graph() as state:
        yield state


def published_season(store: Store, ids: dict[str, list[str | None]]) -> int:
    """A season whose episodes went out on each platform with these external ids (None = not published there)."""
    with store.session() as s:
        season = Season(thread_key="T:C:metrics", title="Midnight Latte")
        s.add(season)
        s.flush()
        look = Look(season_id=season.id, version=1, spec={}, content_hash="h" * 64)
        s.add(look)
        count = max(len(v) for v in ids.values())
        for n in range(1, count + 1):
            ep = Episode(season_id=season.id, number=n, title=f"Episode {n}", status="PUBLISHED")
            s.add(ep)
            s.flush()
            sv = ScriptVersion(episode_id=ep.id, version=1, script={})
            s.add(sv)
            s.flush()
            render = Render(episode_id=ep.id, script_version_id=sv.id, look_id=look.id, input_hash=f"i{n}",
                            status="DONE", video_path="/x.mp4")
            s.add(render)
            s.flush()
            for platform, external in ids.items():
                slot = Slot(episode_id=ep.id, publish_at=NOW - timedelta(days=8 - n), platform=platform)
                s.add(slot)
                s.flush()
                ext = external[n - 1] if n - 1 < len(external) else None
                s.add(Publication(slot_id=slot.id, render_id=render.id, publisher=platform,
                                  idempotency_key=f"{slot.id}:{platform}", external_id=ext,
                                  status="PUBLISHED" if ext else "PENDING",
                                  published_at=NOW - timedelta(days=8 - n) if ext else None))
        return season.id


def youtube_source(api: FakeYouTubeState, tmp_path: Path) -> YouTubePublisher:
    client = YouTubeClient(api.token, base_url=api.base_url, sleep=lambda _: None)
    return YouTubePublisher(client, JsonFileState(tmp_path / "yt"))


def test_figures_land_per_post_and_read_back_as_a_funnel(store: Store, tiktok: FakeTikTokState,
                                                         youtube: FakeYouTubeState, tmp_path: Path) -> None:
    tiktok_ids = ["7300000000000000001", "7300000000000000002", "7300000000000000003"]
    season_id = published_season(store, {"tiktok": tiktok_ids, "youtube": ["yt1", "yt2", None]})
    for post, views in zip(tiktok_ids, (10_000, 8_000, 3_000), strict=True):
        tiktok.set_stats(post, views, likes=views // 10, comments=12, shares=5)
    youtube.videos.update({v: {"status": {}} for v in ("yt1", "yt2")})
    youtube.set_statistics("yt1", 900, likes=30)
    youtube.set_statistics("yt2", 810)
    sources = metrics_sources({"youtube": youtube_source(youtube, tmp_path), "outbox": object()},
                              [TikTokMetrics(tiktok.token, base_url=tiktok.base_url, sleep=lambda _: None)])
    assert sorted(sources) == ["tiktok", "youtube"]

    report = pull_metrics(store, sources, now=NOW - timedelta(days=7))
    assert report.stored == {"tiktok": 3, "youtube": 2} and not report.problems
    tiktok.set_stats(tiktok_ids[0], 12_000)  # a week later, episode 1 has grown
    pull_metrics(store, sources, now=NOW)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostMetric)) == 10
        row = s.scalars(select(PostMetric).where(PostMetric.external_id == tiktok_ids[1])).first()
        assert row is not None and (row.views, row.likes, row.comments, row.shares) == (8_000, 800, 12, 5)

    funnel = season_funnel(store, season_id, as_of=NOW)
    [tk, yt] = funnel.platforms
    assert [p.views for p in tk.points] == [12_000, 8_000, 3_000]  # the latest reading wins
    assert tk.best == 1 and tk.worst == 2 and round(tk.points[1].carried or 0, 3) == 0.375
    assert [p.views for p in yt.points] == [900, 810] and yt.best == yt.worst == 1

    digest = weekly_digest(store, season_id, now=NOW + timedelta(hours=1))
    assert digest.gained["tiktok"] == 2_000 and "TikTok +2,000" in digest.to_text()

    answer = how_are_we_doing(store, season_id, tmp_path / "out", now=NOW)
    assert answer.png is not None and answer.png.read_bytes().startswith(b"\x89PNG")
    assert "Best cliffhanger: Ep 1" in answer.text
    figures = publication_figures(store, season_id)
    assert [(p["destination"], (p["figures"] or {}).get("views")) for p in figures[2]] == [
        ("tiktok", 8_000), ("youtube", 810)]
    assert figures[3][1]["status"] == "PENDING" and figures[3][1]["figures"] is None


def test_no_figures_yet_says_so_without_a_chart(store: Store, tmp_path: Path) -> None:
    season_id = published_season(store, {"tiktok": ["7300000000000000001"]})
    answer = how_are_we_doing(store, season_id, tmp_path, now=NOW)
    assert answer.png is None and answer.text.startswith("No figures yet")


def test_a_failing_platform_is_named_and_the_others_still_land(store: Store, tiktok: FakeTikTokState,
                                                              graph: FakeGraphState, tmp_path: Path) -> None:
    published_season(store, {"tiktok": ["7300000000000000009"], "instagram": ["18000000000000001"]})
    tiktok.set_stats("7300000000000000009", 500)
    instagram = InstagramPublisher(GraphClient(graph.token, base_url=graph.base_url, sleep=lambda _: None),
                                   IG_USER, JsonFileState(tmp_path / "ig"))
    graph.expire_token()
    report = pull_metrics(store, metrics_sources(
        {"instagram": instagram}, [TikTokMetrics(tiktok.token, base_url=tiktok.base_url)]), now=NOW)
    assert report.stored == {"tiktok": 1}
    assert "190" in report.problems["instagram"] and graph.token.split("-expired")[0] not in report.problems[
        "instagram"]


def test_private_publish_ids_are_not_queried(tiktok: FakeTikTokState) -> None:
    tiktok.set_stats("7300000000000000001", 42)
    source = TikTokMetrics(tiktok.token, base_url=tiktok.base_url)
    assert source.post_metrics(["v_pub_file~v2-1.1", "7300000000000000001"]) == {
        "7300000000000000001": {"views": 42.0, "likes": 0.0, "comments": 0.0, "shares": 0.0}}
    assert tiktok.count("/v2/video/query/") == 1
