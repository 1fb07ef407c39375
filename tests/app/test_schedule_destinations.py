"""Scheduling through the use case with real publishers against the local stand-ins: preflight first (shown in the
thread; a finding a platform would refuse stops the booking), each named destination at its own time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from agent.app.events import Said, Scheduled
from agent.app.releases import schedule
from agent.app.votes import vote_on_render
from agent.domain import Cadence
from agent.services.destinations import parse_destinations
from agent.store.models import Render, Slot
from integrations.local_destinations import LocalDestinations, local_destinations
from integrations.outbox import OutboxPublisher
from integrations.publishers import make_publishers
from tests.app.conftest import APPROVER, Harness, build_season
from tools.publish_ledger import PublicationState, as_utc

CADENCE = Cadence(release_time=time(18, 0), timezone="America/New_York", start=date(2030, 12, 2))


@pytest.fixture
def local() -> Iterator[LocalDestinations]:
    with local_destinations(("tiktok", "youtube")) as found:
        yield found


def approved_season(harness: Harness, tmp_path: Path, local: LocalDestinations, episodes: int = 2) -> int:
    season = build_season(harness.app.store, tmp_path, episodes=episodes)
    for render_id in season.render_ids.values():
        vote_on_render(harness.app, render_id=render_id, user_id=APPROVER, approve=True, via="button")
    built = make_publishers(["tiktok", "youtube"], **local.values(),
                            publish_state=PublicationState(harness.app.store))
    harness.app.publishers = {"outbox": OutboxPublisher(tmp_path / "outbox"), **{p.name: p for p in built}}
    return season.season_id


def slots(harness: Harness) -> dict[tuple[int, str], datetime]:
    with harness.app.store.session() as session:
        return {(s.episode_id, s.platform): as_utc(s.publish_at) for s in session.scalars(select(Slot))}


def test_each_destination_books_at_its_own_time_after_preflight(harness: Harness, tmp_path: Path,
                                                                local: LocalDestinations) -> None:
    season_id = approved_season(harness, tmp_path, local)
    events = schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE,
                      text="schedule daily, TikTok at 6pm and YouTube Shorts at 7:30pm")
    preflight, booked = events
    assert isinstance(preflight, Said) and isinstance(booked, Scheduled) and booked.ok
    said = harness.channel.said()
    assert said[-2].startswith("Preflight for") and "TikTok — " in said[-2] and "YouTube Shorts — " in said[-2]
    assert "upload(s) left today" in said[-2]  # the stand-in's quota was asked
    assert "TikTok 18:00 · YouTube Shorts 19:30 (America/New_York)" in said[-1]
    booked_at = slots(harness)
    assert {platform for _, platform in booked_at} == {"tiktok", "youtube"}  # only the destinations named
    first = min(episode for episode, _ in booked_at)
    assert booked_at[(first, "tiktok")] == datetime(2030, 12, 2, 23, 0, tzinfo=UTC)  # 18:00 EST
    assert booked_at[(first, "youtube")] == datetime(2030, 12, 3, 0, 30, tzinfo=UTC)  # 19:30 EST, same local day
    assert booked_at[(first + 1, "tiktok")] == datetime(2030, 12, 3, 23, 0, tzinfo=UTC)


def test_a_blocking_preflight_finding_stops_the_booking_with_its_reason(harness: Harness, tmp_path: Path,
                                                                         local: LocalDestinations) -> None:
    season_id = approved_season(harness, tmp_path, local)
    with harness.app.store.session() as session:
        session.execute(update(Render).values(duration_s=200.0))  # Shorts take at most 180 s
    [refused] = schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE,
                         text="schedule daily, TikTok at 6pm and YouTube at 7pm")
    assert isinstance(refused, Scheduled) and not refused.ok
    text = harness.channel.said()[-1]
    assert "nothing is booked" in text and "runs 200 s; YouTube Shorts takes at most 180 s" in text
    assert slots(harness) == {}
    # leaving YouTube out books TikTok (10 minutes is TikTok's limit)
    [_, booked] = schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE,
                           text="schedule daily on TikTok only")
    assert isinstance(booked, Scheduled) and booked.ok
    assert {platform for _, platform in slots(harness)} == {"tiktok"}


def test_a_destination_nobody_set_up_is_named_and_nothing_is_booked(harness: Harness, tmp_path: Path,
                                                                     local: LocalDestinations) -> None:
    season_id = approved_season(harness, tmp_path, local)
    [refused] = schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE,
                         text="TikTok at 6pm, Facebook Reels at 7pm")
    assert isinstance(refused, Scheduled) and not refused.ok
    assert "I can't book Facebook Reels: not set up here" in harness.channel.said()[-1]
    assert slots(harness) == {}


def test_no_destination_named_keeps_every_configured_one_at_the_cadence_time(harness: Harness, tmp_path: Path,
                                                                               local: LocalDestinations) -> None:
    season_id = approved_season(harness, tmp_path, local, episodes=1)
    schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE, text="schedule daily at 6pm")
    assert set(slots(harness).values()) == {datetime(2030, 12, 2, 23, 0, tzinfo=UTC)}
    assert {p for _, p in slots(harness)} == {"outbox", "tiktok", "youtube"}


@pytest.mark.parametrize(("text", "expected"), [
    ("TikTok at 6pm and Reels at 7pm", {"tiktok": time(18), "instagram": time(19)}),
    ("6pm on TikTok, 7:15pm on YouTube Shorts", {"tiktok": time(18), "youtube": time(19, 15)}),
    ("TikTok 18:00, Shorts 20:45", {"tiktok": time(18), "youtube": time(20, 45)}),
    ("daily at 6pm on tiktok and instagram", {"tiktok": time(18), "instagram": None}),
    ("daily at 6pm, TikTok Minis Center", {}),  # where on TikTok (the slot's destination), not a platform
])
def test_destination_times_are_read_from_the_words(text: str, expected: dict) -> None:
    plan = parse_destinations(text, ("tiktok", "youtube", "instagram", "facebook"))
    assert plan.times == expected and plan.unknown == []


def test_the_status_text_and_board_show_each_destinations_time(harness: Harness, tmp_path: Path,
                                                               local: LocalDestinations) -> None:
    from tools.board import render_board
    from tools.status import season_view

    season_id = approved_season(harness, tmp_path, local)
    schedule(harness.app, season_id=season_id, actor=APPROVER, cadence=CADENCE,
             text="schedule daily, TikTok at 6pm and YouTube Shorts at 7:30pm")
    view = season_view(harness.app.store, season_id)
    # this season has no brief, so the view reads in UTC (18:00 and 19:30 New York)
    assert view.episodes[0].release_times() == "TikTok 23:00 · YouTube Shorts 00:30"
    assert "(TikTok 23:00 · YouTube Shorts 00:30)" in view.to_text()
    plain = view.model_copy(update={"episodes": [e.model_copy(update={"releases": e.releases[:1]})
                                                 for e in view.episodes]})
    with_times, without = render_board(view, tmp_path / "a.png"), render_board(plain, tmp_path / "b.png")
    from PIL import ImageChops

    with Image.open(with_times) as a, Image.open(without) as b:
        box = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert box is not None and box[1] > 600  # the legend beside "Release calendar", below the episode grid
