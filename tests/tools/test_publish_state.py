"""One "why isn't this out yet?" for episodes and campaign assets, following an item from review to published."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from agent.services.publish_state import why_not_published
from agent.store.db import Store
from agent.store.models import Approval, Episode, Render, ReviewMessage
from tests.tools.test_publish import CADENCE, EP1_AT, NOW, RecordingPublisher, make_season
from tools.publish import publish_due, schedule_season


def _why(store: Store, render_id: int, at=NOW) -> str:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return why_not_published(s, s.get_one(Render, render_id), at)


def _cut(store: Store, season_id: int) -> int:
    with store.session() as s:
        return s.scalar(select(Episode).where(Episode.season_id == season_id, Episode.number == 1)).renders[-1].id


def test_an_episode_is_explained_from_review_to_published(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1, approved=())
    cut = _cut(store, sid)
    assert "0 of 1 required approval" in _why(store, cut)
    with store.session() as s:
        s.execute(delete(ReviewMessage).where(ReviewMessage.render_id == cut))
    assert "post ep 1 again" in _why(store, cut), "a card that never reached the thread is the first reason"
    with store.session() as s:
        s.add(ReviewMessage(render_id=cut, channel_id="C1", message_ts="2.1", thread_ts="1.0"))
        s.add(Approval(render_id=cut, user_id="U_ANNA", via="reaction"))
    assert "not scheduled yet" in _why(store, cut)
    schedule_season(store, sid, CADENCE, now=NOW)
    assert "scheduled for 2026-12-01 23:00 UTC on outbox" in _why(store, cut)
    failing = RecordingPublisher(fail_times=1)
    publish_due(store, [failing], EP1_AT + timedelta(minutes=1))
    assert "failed (attempt 1 of 3: RuntimeError: upstream said no); next try at" in _why(store, cut, EP1_AT)
    publish_due(store, [failing], EP1_AT + timedelta(minutes=3))
    assert _why(store, cut, EP1_AT + timedelta(minutes=3)) == ""


def test_a_campaign_asset_is_explained_through_the_same_gate(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    with store.session() as s:
        episode = s.scalar(select(Episode).where(Episode.season_id == sid))
        asset = Render(episode_id=episode.id, kind="quote", source_render_id=episode.renders[-1].id,
                       status="FLAGGED", text="A quote.", lint={"remaining": ["'cheap' in quote v1"]})
        s.add(asset)
        s.flush()
        asset_id = asset.id
    assert "flagged by the Persona Brief ('cheap' in quote v1)" in _why(store, asset_id)
    with store.session() as s:
        s.get_one(Render, asset_id).status = "DONE"
    assert "card isn't in the thread" in _why(store, asset_id)
    with store.session() as s:
        s.add(ReviewMessage(render_id=asset_id, channel_id="C1", message_ts="9.1", thread_ts="1.0", kind="quote"))
        s.add(Approval(render_id=asset_id, user_id="U_ANNA", via="reaction"))
    assert "isn't scheduled yet" in _why(store, asset_id)
    schedule_season(store, sid, CADENCE, now=NOW)
    assert _why(store, asset_id) == "it goes out at 2026-12-01 23:00 UTC"  # quotes go out on release


def test_a_given_up_asset_is_explained_and_retried_after_a_re_schedule(store: Store, tmp_path: Path) -> None:
    from agent.services.campaign_publish import publish_campaign_due
    from tests.campaign.test_service import BrokenPublisher

    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, now=NOW)
    image = tmp_path / "quote.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    with store.session() as s:
        episode = s.scalar(select(Episode).where(Episode.season_id == sid))
        asset = Render(episode_id=episode.id, kind="quote", source_render_id=episode.renders[-1].id, status="DONE",
                       files=[str(image)], text="A quote.")
        s.add(asset)
        s.flush()
        s.add(ReviewMessage(render_id=asset.id, channel_id="C1", message_ts="9.1", thread_ts="1.0", kind="quote"))
        s.add(Approval(render_id=asset.id, user_id="U_ANNA", via="reaction"))
        asset_id = asset.id
    for minutes in (1, 2, 4):  # three attempts, backing off 1 then 2 minutes
        publish_campaign_due(store, [BrokenPublisher()], EP1_AT + timedelta(minutes=minutes))
    assert "publishing to outbox gave up (RuntimeError: upstream 502" in _why(store, asset_id, EP1_AT)
    schedule_season(store, sid, CADENCE, now=NOW)  # what the gave-up message tells the marketer to do
    done = publish_campaign_due(store, [RecordingPublisher()], EP1_AT + timedelta(minutes=5))
    assert done.published == 1 and _why(store, asset_id, EP1_AT + timedelta(minutes=5)) == ""
