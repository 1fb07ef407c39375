"""A whole season through the real Bolt app over signed HTTP against the local Slack emulator.

Asserts from the emulator's record (what people saw) and from the database (what was decided).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.settings import Settings
from agent.store.models import Approval, Episode, Publication, Season, Slot
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, OTHER_ID
from tests.e2e.helpers import wait_for_cards

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. "
         "40 episodes, 15 seconds each, daily at 6pm New York.")


def test_season_end_to_end_over_signed_http(tmp_path: Path) -> None:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None)
    with LocalStack(settings) as stack:
        store = stack.runtime.context.store
        marketer = ScriptedPerson(stack, MARKETER_ID)

        # A bad brief gets a specific message in the thread, and the good parts are kept.
        reply = marketer.start(BRIEF, expect="nothing you told me is lost")
        assert "8–12 episodes" in reply["text"] and "40" in reply["text"]
        with store.session() as session:
            season = session.scalar(select(Season))
            assert season is not None and season.brief is None and season.created_by == MARKETER_ID
        marketer.say("ok, 8 episodes", expect="to cast the lead", timeout=60)
        with store.session() as session:
            season = session.scalar(select(Season))
            assert season.brief["brand"] == "Lumen Coffee"  # kept from the first message
            assert season.brief["episode_count"] == 8 and season.brief["episode_length_s"] == 15
            season_id = season.id

        marketer.say(f"add <@{APPROVER_ID}> as approver", expect="is now an approver")
        marketer.say("looks good", expect="lock your lead")
        marketer.say("1", expect="lock it")
        marketer.say("lock it", expect="locked. Rendering")
        cards = wait_for_cards(stack, season_id, 8, timeout=300)

        # Every episode was uploaded as an MP4 into the thread and got an approval card with buttons.
        uploads = stack.emulator.calls_to("files.completeUploadExternal")
        assert sum(1 for c in uploads if ".mp4" in str(c.params) or "Ep " in str(c.params)) >= 8
        _first_render, first_ts = cards[1]
        card = stack.emulator.message(DRAMA_CHANNEL_ID, first_ts)
        assert card is not None and "review_approve" in str(card.get("blocks"))

        # A non-approver's :+1: does not approve, and they are told why (ephemeral).
        stack.sender.reaction_added(OTHER_ID, "+1", DRAMA_CHANNEL_ID, first_ts)
        note = stack.emulator.wait_for_call("chat.postEphemeral", timeout=30)
        assert note.params["user"] == OTHER_ID and "approver" in note.params["text"]
        with store.session() as session:
            assert session.get(Episode, _episode_id(session, season_id, 1)).status == "IN_REVIEW"
            assert session.scalar(select(func.count()).select_from(Approval)) == 0

        # The approver approves everything (any skin tone); a publish sweep before approval would publish nothing.
        for number, (_render, ts) in sorted(cards.items()):
            stack.sender.reaction_added(APPROVER_ID, "+1::skin-tone-4", DRAMA_CHANNEL_ID, ts)
        marketer.wait_for_bot("episodes are approved", after=first_ts, timeout=60)
        with store.session() as session:
            statuses = session.scalars(select(Episode.status).where(Episode.season_id == season_id)).all()
            assert set(statuses) == {"APPROVED"}
            approvers = set(session.scalars(select(Approval.user_id)).all())
            assert approvers == {APPROVER_ID}
        card = stack.emulator.message(DRAMA_CHANNEL_ID, first_ts)
        assert "Approved" in str(card.get("blocks")) and APPROVER_ID in str(card.get("blocks"))

        marketer.say("schedule daily at 6pm New York", expect="Scheduled")
        with store.session() as session:
            slots = session.scalars(select(Slot).join(Episode).where(Episode.season_id == season_id)
                                    .order_by(Slot.publish_at)).all()
            assert len(slots) == 8
            assert all(s.publish_at.utcoffset() == timedelta(0) for s in slots)  # aware UTC, as stored
            last = slots[-1].publish_at

        now = last + timedelta(minutes=1)
        first = stack.runtime.publish_due(now)  # the worker's sweep (the live path), on a simulated clock
        second = stack.runtime.publish_due(now)
        assert first.published == 8 and second.published == 0
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(Publication)) == 8
            assert session.get(Season, season_id).status == "COMPLETE"
        folders = sorted(p.name for p in (tmp_path / "outbox" / f"season-{season_id}").iterdir() if p.is_dir())
        assert folders == [f"ep{n:02d}" for n in range(1, 9)]


def _episode_id(session, season_id: int, number: int) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(Episode.id).where(Episode.season_id == season_id, Episode.number == number))
