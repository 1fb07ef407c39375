"""The human gates around a release: roles via the approvals service, the 24-hour reminder, confirm mode, and
scheduling from a marketer's sentence (start, skips, unlock plan, destination, mode)."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from agent.brain.cadence_parse import parse_schedule_request
from agent.domain import Cadence, CadenceKind
from agent.services.scheduling import awaiting_confirmation, confirm_slot, schedule_from_text
from agent.store.db import Store
from agent.store.models import Approver, Episode, Season, Slot
from integrations.outbox import OutboxPublisher
from tests.tools.test_publish import CADENCE, EP1_AT, NOW, RecordingPublisher, approve, make_season
from tools.publish import ScheduleError, publish_due, schedule_season
from tools.publish_notices import remind_unapproved


def test_missing_sign_off_role_holds_like_a_missing_approval(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1, approvers=("U_ANNA", "U_LEGAL"))
    with store.session() as s:  # legal must sign off; Anna's approval alone is a quorum of 1 but not enough
        s.scalars(select(Approver).where(Approver.user_id == "U_LEGAL")).one().role = "legal"
    with pytest.raises(ScheduleError, match="still needs sign-off from legal"):
        schedule_season(store, sid, CADENCE, now=NOW)
    approve(store, sid, 1, user="U_LEGAL")
    assert schedule_season(store, sid, CADENCE, now=NOW)


def test_reminder_24_hours_before_an_unapproved_slot_then_hold(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    schedule_season(store, sid, CADENCE, now=NOW)
    with store.session() as s:  # episode 2 (due EP1_AT + 1 day) loses its approval after scheduling
        ep2 = s.scalars(select(Episode).where(Episode.number == 2)).one()
        ep2.renders[-1].approvals[0].withdrawn_at = NOW
        s.get_one(Season, sid).cadence = CADENCE.model_dump(mode="json")
    assert remind_unapproved(store, EP1_AT - timedelta(minutes=1)) == []  # episode 2 is 24 h 1 min away
    before = EP1_AT + timedelta(minutes=1)
    [reminder] = remind_unapproved(store, before)
    assert reminder.kind == "reminder" and "@U_ANNA" in reminder.plain
    assert "episode 2 'Episode 2'" in reminder.plain and "Wed 02 Dec 18:00 America/New_York" in reminder.plain
    assert "0 of 1 required approval" in reminder.plain and "holds at that slot" in reminder.plain
    assert remind_unapproved(store, before + timedelta(hours=1)) == []  # once
    result = publish_due(store, [RecordingPublisher()], EP1_AT + timedelta(days=1))
    [_, hold] = result.messages
    assert hold.kind == "hold" and "Holding 'Midnight Latte'" in hold.plain and "Nothing later" in hold.plain


def test_approved_episodes_get_no_reminder(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, now=NOW)
    assert remind_unapproved(store, EP1_AT - timedelta(hours=2)) == []


def test_confirm_mode_publishes_only_after_an_approver_confirms(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2, approvers=("U_ANNA", "U_BEN"))
    schedule_season(store, sid, CADENCE, mode="confirm", now=NOW)
    rec = RecordingPublisher()
    first = publish_due(store, [rec], EP1_AT)
    [ask] = first.messages
    assert (first.published, first.held, rec.calls) == (0, 1, [])
    assert ask.kind == "confirm" and "Ep 1 'Episode 1'" in ask.plain and "approve to publish" in ask.plain
    assert publish_due(store, [rec], EP1_AT + timedelta(minutes=1)).messages == []  # asked once
    with store.session() as s:
        assert awaiting_confirmation(s, sid, EP1_AT) == list(ask.slot_ids)
        refused = confirm_slot(s, ask.slot_ids[0], "U_INTERN")
        assert not refused.ok and "approvers" in refused.text
    assert publish_due(store, [rec], EP1_AT + timedelta(minutes=2)).published == 0
    with store.session() as s:
        done = confirm_slot(s, ask.slot_ids[0], "U_BEN")
        assert done.ok and "U_BEN" in done.text and "released Ep 1" in done.text
    result = publish_due(store, [rec], EP1_AT + timedelta(days=1, minutes=1))
    assert result.published == 1 and len(rec.calls) == 1  # episode 2 (due too) now asks for its own confirmation
    assert [m.kind for m in result.messages] == ["published", "confirm"]
    with store.session() as s:
        assert s.get_one(Slot, ask.slot_ids[0]).confirmed_by == "U_BEN"


def test_schedule_from_a_sentence(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=5)
    base = Cadence(kind=CadenceKind.WEEKLY, weekdays=[1, 4], release_time=time(18, 0), timezone="America/New_York")
    text = ("weekly on Tuesdays and Fridays at 6pm New York, starting Dec 1, skip Dec 4, first 3 free then pay to "
            "unlock, Minis Center, ask me before each one goes out")
    outcome = schedule_from_text(store, sid, text, cadence=base, publishers={"outbox": OutboxPublisher(tmp_path)},
                                 now=NOW)
    assert outcome.ok, outcome.text
    assert [s.publish_at.date() for s in outcome.slots] == [date(2026, 12, d) for d in (1, 8, 11, 15, 18)]
    assert [s.unlock for s in outcome.slots] == ["free", "free", "free", "paid", "paid"]
    assert {(s.destination, s.mode) for s in outcome.slots} == {("minis_center", "confirm")}
    assert "Ep 1–3 free, Ep 4–5 pay-to-unlock" in outcome.text and "Minis Center" in outcome.text
    assert "Tue 01 Dec 18:00 America/New_York" in outcome.text
    again = schedule_from_text(store, sid, "move it to 7pm", cadence=outcome.cadence.model_copy(  # type: ignore
        update={"release_time": time(19, 0)}), publishers={"outbox": OutboxPublisher(tmp_path)}, now=NOW)
    assert [s.unlock for s in again.slots][2:4] == ["free", "paid"] and again.slots[0].mode == "confirm"  # kept
    (tmp_path / "x").mkdir()
    refused = schedule_from_text(store, make_season(store, tmp_path / "x", episodes=1, approved=()), "daily",
                                 cadence=base, publishers={}, now=NOW)
    assert not refused.ok and "I can't schedule yet" in refused.text


def test_parse_schedule_request_reads_dates_unlocks_and_modes() -> None:
    today = date(2026, 11, 25)
    req = parse_schedule_request("starting 1st December, no drops on Dec 24-26 and Jan 1. First three episodes "
                                 "free, the rest ad-unlock. Publish automatically to both destinations.", today=today)
    assert req.start == date(2026, 12, 1)
    assert req.blackout == [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)]
    assert req.unlock is not None and req.unlock.plan([1, 3, 4]) == {1: "free", 3: "free", 4: "ad"}
    assert (req.destination, req.mode, req.dates) == ("both", "autopilot", [])
    listed = parse_schedule_request("release on Dec 1, Dec 4 and Dec 9; Drama Center", today=today)
    assert listed.dates == [date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 9)]
    assert listed.destination == "drama_center" and listed.unlock is None and listed.mode is None
    assert parse_schedule_request("make all episodes free", today=today).unlock.plan([7]) == {7: "free"}  # type: ignore
    assert parse_schedule_request("from Feb 30", today=today).start is None  # no such day: not a guess


def test_migration_adds_the_ledger_columns(store: Store) -> None:
    columns = {table: {c["name"] for c in inspect(store.engine).get_columns(table)} for table in
               ("publications", "slots")}
    assert {"lease_until", "external_state", "next_attempt_at"} <= columns["publications"]
    assert {"mode", "confirmed_by", "confirmed_at"} <= columns["slots"]
