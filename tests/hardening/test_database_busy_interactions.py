"""A SQLite write lock while a button click or a modal submission arrives: one note in the thread, the work re-queued
and done once after the lock is released (the same handling as messages and reactions, tests/hardening/
test_database_busy.py, whose lock and helpers this uses).

The real Bolt app over signed HTTP against the emulator. The season is built directly in the database (no renders
run) and its cards are posted by the real poster into an emulator thread, so a click finds the real buttons and
values; the modal is opened by the real Request changes button.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from agent.services.production import post_for_review
from agent.services.seasons import thread_key
from agent.settings import Settings
from agent.store.models import Approval, AuditEntry, ChangeRequest, Episode, ReviewMessage, Season
from integrations.demo.local_stack import LocalStack
from integrations.slack import busy
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID
from tests.app.conftest import build_season
from tests.hardening.test_database_busy import WriteLock, bot_said, db_file, notes

pytestmark = pytest.mark.xdist_group("e2e")


@dataclass
class Thread:
    """A season thread in the emulator with one posted card per episode."""

    stack: LocalStack
    season_id: int
    thread_ts: str
    renders: dict[int, int]  # episode → render id
    cards: dict[int, str]  # episode → card ts

    def count(self, model: Any, *where: Any) -> int:
        with self.stack.runtime.context.store.session() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def status(self, number: int) -> str:
        with self.stack.runtime.context.store.session() as session:
            return session.scalar(select(Episode.status).where(Episode.season_id == self.season_id,
                                                                Episode.number == number)) or ""

    def audited(self, action: str) -> int:
        return self.count(AuditEntry, AuditEntry.season_id == self.season_id, AuditEntry.action == action)


@pytest.fixture
def thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Thread]:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None)
    monkeypatch.setattr(busy, "IN_TURN_SECONDS", 0.3)
    monkeypatch.setattr(busy, "REQUEUE_DELAYS", (1.0, 2.0, 4.0))
    with LocalStack(settings, immediate_queue=True) as stack:
        context = stack.runtime.context
        engine = context.store.engine

        @event.listens_for(engine, "connect")
        def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:  # the lock bites in ms, not 30 s
            dbapi_conn.execute("PRAGMA busy_timeout=50")

        engine.dispose()
        root = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "new season for Lumen Night Brew")
        seeded = build_season(context.store, tmp_path, episodes=2, approvers=(APPROVER_ID,), unposted=(1, 2))
        with context.store.session() as session:  # the season lives in the emulator's thread
            season = session.get_one(Season, seeded.season_id)
            season.team_id, season.channel_id, season.thread_ts = (stack.emulator.workspace.team_id,
                                                                   DRAMA_CHANNEL_ID, root["ts"])
            season.thread_key = thread_key(season.team_id, DRAMA_CHANNEL_ID, root["ts"])
        cards = {}
        for number, render_id in seeded.render_ids.items():
            posted = post_for_review(context.store, render_id, context.channel, context.artifacts)
            assert posted is not None
            cards[number] = posted.ts
        yield Thread(stack, seeded.season_id, root["ts"], seeded.render_ids, cards)


def test_an_approve_click_during_a_long_lock_is_noted_requeued_and_done_once(thread: Thread) -> None:
    stack = thread.stack
    lock = WriteLock(db_file(stack))
    try:
        click = stack.sender.block_action(APPROVER_ID, "review_approve", None, DRAMA_CHANNEL_ID, thread.cards[1])
        assert click.acked_in_time
        note = bot_said(stack, thread.thread_ts, "database is busy")
        assert "no need to send it again" in note["text"]
        assert thread.status(1) == "IN_REVIEW"  # nothing recorded while the lock is held
    finally:
        lock.release()
    stack.emulator.wait_for(lambda m: m.get("ts") == thread.cards[1] and "Approved" in str(m.get("blocks")), 30,
                            channel=DRAMA_CHANNEL_ID)
    assert thread.status(1) == "APPROVED"
    assert thread.count(Approval, Approval.render_id == thread.renders[1]) == 1
    assert thread.audited("review.approved") == 1
    assert len(notes(stack, thread.thread_ts)) == 1


def test_a_change_request_submitted_during_a_long_lock_is_noted_requeued_and_done_once(thread: Thread) -> None:
    stack = thread.stack
    stack.sender.block_action(APPROVER_ID, "review_request_changes", None, DRAMA_CHANNEL_ID, thread.cards[2])
    stack.emulator.wait_for_call("views.open", timeout=30)
    lock = WriteLock(db_file(stack))
    try:
        submitted = stack.sender.view_submission(APPROVER_ID, {"note": {"note": "make the logo bigger"}})
        assert submitted.acked_in_time and submitted.ok
        note = bot_said(stack, thread.thread_ts, "database is busy")  # in the thread the modal was about
        assert "no need to send it again" in note["text"]
        assert thread.count(ChangeRequest, ChangeRequest.render_id == thread.renders[2]) == 0
    finally:
        lock.release()
    bot_said(stack, thread.thread_ts, "asked for changes on Ep 2", timeout=60)
    requests = thread.count(ChangeRequest, ChangeRequest.render_id == thread.renders[2],
                            ChangeRequest.note == "make the logo bigger")
    assert requests == 1
    assert thread.audited("review.changes_requested") == 1
    assert len(notes(stack, thread.thread_ts)) == 1
    assert thread.count(ReviewMessage, ReviewMessage.render_id == thread.renders[2]) == 1  # the card, once


def test_a_reaction_during_a_long_lock_gets_its_note_too(thread: Thread) -> None:
    """The reaction listener asks Bolt for no client; the busy wrapper asks for it itself, so the note is posted."""
    stack = thread.stack
    lock = WriteLock(db_file(stack))
    try:
        stack.sender.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, thread.cards[2])
        bot_said(stack, thread.thread_ts, "database is busy")
    finally:
        lock.release()
    stack.emulator.wait_for(lambda m: m.get("ts") == thread.cards[2] and "Approved" in str(m.get("blocks")), 30,
                            channel=DRAMA_CHANNEL_ID)
    assert thread.count(Approval, Approval.render_id == thread.renders[2]) == 1
    assert thread.audited("review.approved") == 1
    assert len(notes(stack, thread.thread_ts)) == 1
