"""Metrics back in the thread through the use cases: published posts on the TikTok and YouTube stand-ins, the
hourly job pulls their figures, "how are we doing?" answers with the funnel text + PNG, and the weekly digest goes
out a week after the first release unless the marketer said "stop the weekly digest"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from agent.app import metrics
from agent.app.events import FiguresShown
from agent.app.releases import publish_due, schedule
from agent.app.votes import vote_on_render
from agent.domain import Cadence
from agent.services.metrics import publication_figures
from agent.store.models import AuditEntry, PostMetric
from agent.understanding.readers import figures_reading
from integrations.local_destinations import LocalDestinations, local_destinations, simulate_week
from integrations.metrics_sources import make_metrics_sources
from integrations.outbox import OutboxPublisher
from integrations.publishers import make_publishers
from tests.app.conftest import APPROVER, CREATOR, Harness, build_season
from tools.jobs import JobHandlers, JobQueue, build_huey
from tools.publish_ledger import PublicationState

START = date(2030, 12, 2)
FIRST_DROP = datetime(2030, 12, 2, 23, 0, tzinfo=UTC)  # 18:00 New York


@pytest.fixture
def published(harness: Harness, tmp_path: Path) -> Iterator[tuple[int, LocalDestinations]]:
    """Three episodes out on the outbox and TikTok (18:00) and YouTube (19:00), one a day."""
    with local_destinations(("tiktok", "youtube")) as local:
        season = build_season(harness.app.store, tmp_path, episodes=3)
        for render_id in season.render_ids.values():
            vote_on_render(harness.app, render_id=render_id, user_id=APPROVER, approve=True, via="button")
        harness.app.publishers = {"outbox": OutboxPublisher(tmp_path / "outbox"), **{p.name: p for p in make_publishers(
            ["tiktok", "youtube"], **local.values(), publish_state=PublicationState(harness.app.store))}}
        schedule(harness.app, season_id=season.season_id, actor=APPROVER,
                 text="outbox and TikTok at 6pm, YouTube at 7pm",
                 cadence=Cadence(release_time=time(18), timezone="America/New_York", start=START))
        for day in range(3):
            publish_due(harness.app, FIRST_DROP + timedelta(days=day, hours=2))
        yield season.season_id, local


def test_how_are_we_doing_answers_with_the_funnel_chart(harness: Harness,
                                                       published: tuple[int, LocalDestinations]) -> None:
    season_id, local = published
    [before] = metrics.answer(harness.app, season_id=season_id, actor=CREATOR)  # "how are we doing?"
    assert isinstance(before, FiguresShown) and before.png is None  # published, but no figures pulled yet
    assert "Figures come back once episodes are out" in harness.channel.said()[-1]

    sources = make_metrics_sources(harness.app.publishers, **local.values())
    assert set(sources) == {"tiktok", "youtube"}
    simulate_week(local, harness.app.store, season_id, sources, start=FIRST_DROP)
    [shown] = metrics.answer(harness.app, season_id=season_id, actor=CREATOR)
    assert isinstance(shown, FiguresShown) and shown.png is not None
    assert harness.channel.of("upload")[-1] == shown.png
    with Image.open(shown.png) as chart:
        assert chart.width >= 800 and chart.height >= 400
    text = harness.channel.said()[-1]
    assert "TikTok" in text and "YouTube Shorts" in text and "Ep 1" in text
    # judged as of the latest reading (a week after the first drop), not the wall clock: every episode is a few
    # days old there, so the cliffhangers are judged and none is "only just out"
    assert "Best cliffhanger: Ep" in text and "only just came out" not in text
    assert "Outbox" not in text  # published there too, but an outbox has no figures to show
    figures = publication_figures(harness.app.store, season_id)
    assert all(sum(1 for p in pubs if (p["figures"] or {}).get("views")) == 2 for pubs in figures.values())
    assert figures_reading("How's it going?") and figures_reading("schedule daily") is None


def test_the_hourly_job_pulls_figures_and_the_digest_has_an_off_switch(harness: Harness,
                                                                      published: tuple[int, LocalDestinations]
                                                                      ) -> None:
    season_id, local = published
    sources = make_metrics_sources(harness.app.publishers, **local.values())
    for pub in [p for pubs in publication_figures(harness.app.store, season_id).values() for p in pubs]:
        local.set_views(pub["destination"], pub["external_id"], 1000)
    clock = {"now": FIRST_DROP + timedelta(days=3)}
    queue = JobQueue(build_huey(queue_path=Path("unused"), immediate=True), JobHandlers(
        render=str, reap=list, hourly={"pull_metrics": lambda: metrics.metrics_tick(harness.app, sources,
                                                                                    clock["now"])}))
    queue.hourly["pull_metrics"]()  # what huey runs at minute 7 of every hour
    with harness.app.store.session() as session:
        assert len(session.scalars(select(PostMetric)).all()) == 6  # 3 episodes × 2 platforms
    assert not any(isinstance(c, str) and "Weekly digest" in c for c in harness.channel.said())  # not a week yet

    said_before = len(harness.channel.said())
    metrics.set_weekly_digest(harness.app, season_id=season_id, actor=CREATOR, on=False)
    assert "Weekly digest off" in harness.channel.said()[-1]
    clock["now"] = FIRST_DROP + timedelta(days=8)
    queue.hourly["pull_metrics"]()
    assert not any("Weekly digest (since" in s for s in harness.channel.said()[said_before:])

    metrics.set_weekly_digest(harness.app, season_id=season_id, actor=CREATOR, on=True)
    queue.hourly["pull_metrics"]()
    digests = [s for s in harness.channel.said() if s.startswith("Weekly digest (since")]
    assert len(digests) == 1 and "TikTok +" in digests[0] and "stop the weekly digest" in digests[0]
    assert "Outbox" not in digests[0] and "outbox" not in digests[0].split("Weekly digest")[1].split(".")[0]
    queue.hourly["pull_metrics"]()  # the same hour again: nothing twice
    assert len([s for s in harness.channel.said() if s.startswith("Weekly digest (since")]) == 1
    with harness.app.store.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("digest.%"))))
    assert actions == ["digest.off", "digest.on", "digest.sent"]


def test_the_composition_root_registers_the_hourly_figures_job(settings, store) -> None:  # type: ignore[no-untyped-def]
    from agent.bootstrap import build_runtime
    from tests.app.conftest import RecordingChannel

    runtime = build_runtime(settings, RecordingChannel(), store=store, immediate_queue=True)
    assert set(runtime.queue.hourly) == {"pull_metrics"}
    report = runtime.queue.handlers.hourly["pull_metrics"]()  # what the periodic task runs
    assert report.total == 0 and report.problems == {}  # nothing published yet: nothing to read, nothing failed
