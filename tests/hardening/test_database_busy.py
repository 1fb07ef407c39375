"""A SQLite write lock during a Slack event's work: retried within the turn; then one friendly note and a re-queue;
after the last try the thread is told — and the claim is given back, so Slack's redelivery still does the work.

The real Bolt app over signed HTTP against the emulator; the lock is a second SQLite connection holding the write
lock (what a long migration or a stuck process does). The store's busy timeout is shortened so the lock bites in
milliseconds instead of 30 s, and the retry budgets are shortened the same way."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from agent.settings import Settings
from agent.store.models import EventLog, Season
from integrations.slack import busy
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID

pytestmark = pytest.mark.xdist_group("e2e")
BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. "
         "8 episodes, 40 seconds each, daily at 6pm New York.")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Any]:
    from integrations.demo.local_stack import LocalStack

    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None)
    with LocalStack(settings, immediate_queue=True) as running:
        engine = running.runtime.context.store.engine

        @event.listens_for(engine, "connect")
        def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA busy_timeout=50")

        engine.dispose()
        yield running


class WriteLock:
    """Another process's write transaction on the same SQLite file."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, timeout=5, isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def db_file(stack: Any) -> Path:
    return Path(stack.runtime.context.store.engine.url.database)


def bot_said(stack: Any, ts: str, needle: str, timeout: float = 30) -> dict[str, Any]:
    bot = stack.emulator.workspace.bot_user_id
    return stack.emulator.wait_for(lambda m: m.get("user") == bot and float(m["ts"]) > float(ts)
                                   and needle.lower() in str(m.get("text", "")).lower(),
                                   timeout, channel=DRAMA_CHANNEL_ID, thread_ts=ts)


def answer(stack: Any, ts: str, timeout: float = 30) -> dict[str, Any]:
    """The bot's real answer to the brief (not a note about the database)."""
    bot = stack.emulator.workspace.bot_user_id
    return stack.emulator.wait_for(lambda m: m.get("user") == bot and float(m["ts"]) > float(ts)
                                   and "database" not in str(m.get("text", "")).lower(),
                                   timeout, channel=DRAMA_CHANNEL_ID, thread_ts=ts)


def counts(stack: Any, event_id: str) -> tuple[int, int]:
    with stack.runtime.context.store.session() as session:
        return (session.scalar(select(func.count()).select_from(Season)) or 0,
                session.scalar(select(func.count()).select_from(EventLog)
                               .where(EventLog.event_id == f"event:{event_id}")) or 0)


def notes(stack: Any, ts: str) -> list[str]:
    bot = stack.emulator.workspace.bot_user_id
    return [str(m.get("text")) for m in stack.emulator.messages(DRAMA_CHANNEL_ID, ts)
            if m.get("user") == bot and "database" in str(m.get("text", "")).lower()]


def test_a_short_lock_is_retried_within_the_turn(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy, "IN_TURN_SECONDS", 15.0)
    lock = WriteLock(db_file(stack))
    threading.Timer(1.0, lock.release).start()
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    assert delivery.acked_in_time
    answer(stack, delivery.ts)
    assert notes(stack, delivery.ts) == []
    assert counts(stack, delivery.event_id) == (1, 1)


def test_a_long_lock_gets_a_note_and_the_work_is_requeued(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy, "IN_TURN_SECONDS", 0.3)
    monkeypatch.setattr(busy, "REQUEUE_DELAYS", (1.0, 2.0, 4.0))
    lock = WriteLock(db_file(stack))
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    assert delivery.acked_in_time
    note = bot_said(stack, delivery.ts, "database is busy")
    assert "no need to send it again" in note["text"]
    lock.release()
    answer(stack, delivery.ts)
    assert counts(stack, delivery.event_id) == (1, 1)
    assert len(notes(stack, delivery.ts)) == 1


def test_after_the_last_try_the_thread_is_told_and_a_redelivery_does_the_work(
        stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy, "IN_TURN_SECONDS", 0.2)
    monkeypatch.setattr(busy, "REQUEUE_DELAYS", (0.3,))
    lock = WriteLock(db_file(stack))
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    bot_said(stack, delivery.ts, "please send it again")
    lock.release()
    assert counts(stack, delivery.event_id) == (0, 0)  # nothing half-done, the claim was given back
    again = stack.sender.redeliver(delivery, retry_num=1)
    assert again.acked_in_time
    answer(stack, delivery.ts)
    assert counts(stack, delivery.event_id) == (1, 1)
