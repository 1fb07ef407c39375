"""Scheduling and the publish sweep against a real (SQLite / PostgreSQL) store: approval gates, order, exactly once."""

from __future__ import annotations

import json
import threading
import time as time_mod
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.domain import Cadence
from agent.ports import PublishPackage, PublishResult
from agent.store.db import Store
from agent.store.models import (
    Approval,
    Approver,
    AuditEntry,
    Episode,
    Look,
    Publication,
    Render,
    ReviewMessage,
    ScriptVersion,
    Season,
    Slot,
)
from integrations.outbox import OutboxPublisher
from tools.publish import (
    IN_PROGRESS,
    LEASE,
    RETRY_BACKOFF,
    ScheduleError,
    approved_render,
    publish_due,
    schedule_season,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CADENCE = Cadence(timezone="America/New_York", start=date(2026, 12, 1))  # 18:00 NY = 23:00 UTC
EP1_AT = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


@dataclass
class RecordingPublisher:
    """Counts real publish calls; sleeps a little so concurrent sweeps genuinely overlap."""

    name: str = "outbox"
    delay: float = 0.0
    fail_times: int = 0
    calls: list[str] = field(default_factory=list)

    def publish(self, package: PublishPackage) -> PublishResult:
        self.calls.append(package.idempotency_key)
        time_mod.sleep(self.delay)
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("upstream said no")
        return PublishResult(external_id=package.idempotency_key, location=f"rec://{package.idempotency_key}")


def make_season(store: Store, tmp_path: Path, *, episodes: int = 3, approved: tuple[int, ...] | None = None,
                approvers: tuple[str, ...] = ("U_ANNA",), quorum: int = 1, approve_as: str = "U_ANNA") -> int:
    """A season with a locked look, one DONE render per episode, and approvals on the chosen episodes."""
    approved = tuple(range(1, episodes + 1)) if approved is None else approved
    video = tmp_path / "ep.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    with store.session() as s:
        season = Season(thread_key=f"T:C:{tmp_path.name}", title="Midnight Latte", quorum=quorum,
                        brief={"brand": "Bean There", "product": "oat latte", "destination": "both"})
        season.approvers = [Approver(user_id=u) for u in approvers]
        s.add(season)
        s.flush()
        look = Look(season_id=season.id, version=1, spec={}, content_hash="h" * 64)
        s.add(look)
        for n in range(1, episodes + 1):
            ep = Episode(season_id=season.id, number=n, title=f"Episode {n}", status="IN_REVIEW")
            s.add(ep)
            s.flush()
            sv = ScriptVersion(episode_id=ep.id, version=1, script={"cold_open": f"Cold open {n}: the cup is gone."})
            s.add(sv)
            s.flush()
            render = Render(episode_id=ep.id, script_version_id=sv.id, look_id=look.id, input_hash=f"in{n}",
                            status="DONE", video_path=str(video), cover_path=str(cover))
            s.add(render)
            s.flush()
            s.add(ReviewMessage(render_id=render.id, channel_id="C1", message_ts=f"2.{n}", thread_ts="1.0"))
            if n in approved:
                s.add(Approval(render_id=render.id, user_id=approve_as, via="reaction"))
        return season.id


def approve(store: Store, season_id: int, number: int, user: str = "U_ANNA") -> None:
    with store.session() as s:
        ep = s.scalars(select(Episode).where(Episode.season_id == season_id, Episode.number == number)).one()
        existing = [a for a in ep.renders[-1].approvals if a.user_id == user]
        if existing:
            existing[0].withdrawn_at = None
        else:
            s.add(Approval(render_id=ep.renders[-1].id, user_id=user, via="button"))


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_schedule_creates_one_slot_per_approved_episode(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path)
    slots = schedule_season(store, sid, CADENCE, now=NOW, unlock_plan={3: "paid"})
    assert [s.publish_at for s in slots] == [EP1_AT + timedelta(days=i) for i in range(3)]
    assert [s.unlock for s in slots] == ["free", "free", "paid"]
    assert {s.destination for s in slots} == {"both"}
    with store.session() as s:
        assert s.get(Season, sid).status == "SCHEDULED"
        assert {e.status for e in s.scalars(select(Episode))} == {"SCHEDULED"}
    # idempotent: a second schedule moves the same slots instead of adding more
    later = Cadence(start=date(2026, 12, 10))
    again = schedule_season(store, sid, later, now=NOW)
    assert [s.id for s in again] == [s.id for s in slots]
    assert count(store, Slot) == 3
    assert again[0].publish_at.day == 10


def test_schedule_refuses_unapproved_episode(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, approved=(1, 3))
    with pytest.raises(ScheduleError, match=r"episode 2 'Episode 2'.*0 of 1 required approval"):
        schedule_season(store, sid, CADENCE, now=NOW)
    assert count(store, Slot) == 0


def test_non_approver_and_withdrawn_approvals_do_not_count(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1, approve_as="U_INTERN")
    with store.session() as s:
        ep = s.scalars(select(Episode)).one()
        assert approved_render(s, ep) is None
        s.add(Approval(render_id=ep.renders[-1].id, user_id="U_ANNA", via="reaction", withdrawn_at=NOW))
    with store.session() as s:
        assert approved_render(s, s.scalars(select(Episode)).one()) is None
    with pytest.raises(ScheduleError):
        schedule_season(store, sid, CADENCE, now=NOW)


def test_quorum_and_rerender_need_fresh_approvals(store: Store, tmp_path: Path) -> None:
    make_season(store, tmp_path, episodes=1, approvers=("U_ANNA", "U_BEN"), quorum=2)
    with store.session() as s:
        ep = s.scalars(select(Episode)).one()
        assert approved_render(s, ep) is None  # 1 of 2
        s.add(Approval(render_id=ep.renders[-1].id, user_id="U_BEN", via="button"))
    with store.session() as s:
        ep = s.scalars(select(Episode)).one()
        first = approved_render(s, ep)
        assert first is not None
        s.add(Render(episode_id=ep.id, script_version_id=first.script_version_id, look_id=first.look_id,
                     input_hash="new", status="DONE", video_path=first.video_path))
    with store.session() as s:
        assert approved_render(s, s.scalars(select(Episode)).one()) is None  # the new render has no approvals


def test_publish_due_twice_publishes_once(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    schedule_season(store, sid, CADENCE, now=NOW)
    outbox = OutboxPublisher(tmp_path / "outbox")
    assert publish_due(store, [outbox], EP1_AT - timedelta(minutes=1)).published == 0  # not due yet
    first = publish_due(store, [outbox], EP1_AT)
    second = publish_due(store, {"outbox": outbox}, EP1_AT + timedelta(hours=1))
    assert (first.published, second.published, second.skipped_already) == (1, 0, 1)
    assert count(store, Publication) == 1
    folders = sorted(p.name for p in (tmp_path / "outbox" / f"season-{sid}").glob("ep*"))
    assert folders == ["ep01"]
    meta = json.loads((tmp_path / "outbox" / f"season-{sid}" / "ep01" / "metadata.json").read_text())
    assert meta["approvals"][0]["user"] == "U_ANNA"
    assert "Cold open 1" in (tmp_path / "outbox" / f"season-{sid}" / "ep01" / "caption.txt").read_text()
    with store.session() as s:
        assert s.get(Season, sid).status == "PUBLISHING"
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "episode.published")).one()
    done = publish_due(store, [outbox], EP1_AT + timedelta(days=1))
    assert done.published == 1
    with store.session() as s:
        assert s.get(Season, sid).status == "COMPLETE"
        assert {e.status for e in s.scalars(select(Episode))} == {"PUBLISHED"}


def test_hold_on_withdrawn_approval_stops_the_rest_of_the_season(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=3)
    schedule_season(store, sid, CADENCE, now=NOW)
    with store.session() as s:  # episode 2's approval is withdrawn after scheduling
        ep2 = s.scalars(select(Episode).where(Episode.number == 2)).one()
        ep2.renders[-1].approvals[0].withdrawn_at = NOW
    rec = RecordingPublisher()
    result = publish_due(store, [rec], EP1_AT + timedelta(days=5))
    assert (result.published, result.held) == (1, 1)
    assert rec.calls == [f"slot{_slot_id(store, 1)}:outbox"]  # episode 3 (due too) did not go out
    [news, hold] = [m.plain for m in result.messages]
    assert "Published episode 1" in news
    assert "episode 2 'Episode 2'" in hold and "Nothing later in this season goes out" in hold
    assert "0 of 1 required approval" in hold
    assert publish_due(store, [rec], EP1_AT + timedelta(days=5)).messages == []  # told once, not every sweep
    approve(store, sid, 2)
    result = publish_due(store, [rec], EP1_AT + timedelta(days=5))
    assert result.published == 2 and len(rec.calls) == 3


def _slot_id(store: Store, number: int) -> int:
    with store.session() as s:
        return s.scalars(select(Slot.id).join(Episode).where(Episode.number == number)).one()


def test_failure_blocks_later_episodes_and_retries(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    schedule_season(store, sid, CADENCE, now=NOW)
    rec = RecordingPublisher(fail_times=1)
    late = EP1_AT + timedelta(days=3)
    first = publish_due(store, [rec], late)
    assert (first.failed, first.published, len(rec.calls)) == (1, 0, 1)  # episode 2 waits for episode 1
    assert "upstream said no" in first.messages[0].plain
    assert "I'll retry after" in first.messages[0].plain
    assert publish_due(store, [rec], late).published == 0  # backing off: not before the retry time
    second = publish_due(store, [rec], late + RETRY_BACKOFF)
    assert second.published == 2
    with store.session() as s:
        pub = s.scalars(select(Publication).where(Publication.slot_id == _slot_id(store, 1))).one()
        assert (pub.status, pub.attempts, pub.error) == ("PUBLISHED", 2, None)


def test_crashed_claim_is_recovered_after_the_lease(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, now=NOW)
    slot_id = _slot_id(store, 1)
    with store.session() as s:  # a worker claimed it and died
        render_id = s.scalars(select(Render.id)).one()
        s.add(Publication(slot_id=slot_id, render_id=render_id, publisher="outbox", status=IN_PROGRESS,
                          idempotency_key=f"slot{slot_id}:outbox", attempts=1, lease_until=EP1_AT + LEASE))
    rec = RecordingPublisher()
    assert publish_due(store, [rec], EP1_AT + LEASE - timedelta(seconds=1)).published == 0
    assert publish_due(store, [rec], EP1_AT + LEASE + timedelta(seconds=1)).published == 1
    assert rec.calls == [f"slot{slot_id}:outbox"]


def _race(store: Store, rec: RecordingPublisher, at: datetime) -> list[int]:
    """Two sweeps started together in two threads (each opens its own sessions)."""
    barrier = threading.Barrier(2)
    published: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            published.append(publish_due(store, [rec], at).published)
        except BaseException as exc:  # noqa: BLE001 — surfaced to the test below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return published


def test_concurrent_sweeps_publish_once_sqlite(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, now=NOW)
    rec = RecordingPublisher(delay=0.3)
    assert sorted(_race(store, rec, EP1_AT)) == [0, 1]
    assert len(rec.calls) == 1
    assert count(store, Publication) == 1


def test_platforms_advance_independently_and_missing_publisher_is_told(store: Store, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    schedule_season(store, sid, CADENCE, now=NOW, platforms=("outbox", "tiktok", "webhook"))
    outbox, tiktok = RecordingPublisher(name="outbox"), RecordingPublisher(name="tiktok", fail_times=1)
    result = publish_due(store, [outbox, tiktok], EP1_AT + timedelta(days=2))
    assert len(outbox.calls) == 2 and len(tiktok.calls) == 1  # tiktok's episode 2 waits for its episode 1
    assert (result.published, result.failed, result.held) == (2, 1, 1)
    texts = " | ".join(m.plain for m in result.messages)
    assert "no 'webhook' publisher is configured" in texts and "to tiktok failed" in texts
    with store.session() as s:
        assert {e.status for e in s.scalars(select(Episode))} == {"SCHEDULED"}  # not on every platform yet
        assert s.get(Season, sid).status == "PUBLISHING"
