"""Confirm mode through the application layer: the sweep asks with a Publish question, only approvers release."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from agent.app.events import Published, ReleaseConfirmed, ReleaseDue, ReleaseRefused
from agent.app.releases import confirm_release, confirm_release_slots, publish_due
from agent.app.votes import vote_on_render
from agent.domain import Cadence, CadenceKind
from agent.store.models import AuditEntry, Episode, Slot
from integrations.outbox import OutboxPublisher
from tests.app.conftest import APPROVER, BYSTANDER, Harness, build_season
from tools.publish import schedule_season

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
CADENCE = Cadence(kind=CadenceKind.DAILY, release_time=time(18, 0), timezone="UTC")


def test_a_due_release_asks_with_a_publish_question_and_only_approvers_release(harness: Harness,
                                                                               tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    vote_on_render(harness.app, render_id=season.render_ids[1], user_id=APPROVER, approve=True, via="button")
    harness.app.publishers = {"outbox": OutboxPublisher(tmp_path / "outbox")}
    schedule_season(harness.app.store, season.season_id, CADENCE, platforms=("outbox",), mode="confirm", now=NOW)
    with harness.app.store.session() as session:
        due = session.scalars(select(Slot.publish_at)).one()
    events = publish_due(harness.app, due.replace(tzinfo=UTC) + timedelta(seconds=30)).events
    [asked] = [e for e in events if isinstance(e, ReleaseDue)]
    [question] = harness.channel.of("ask_release")
    assert question == asked.question and question.episode_number == 1 and APPROVER in question.approvers

    [refused] = confirm_release_slots(harness.app, actor=BYSTANDER, slot_ids=question.slot_ids)
    assert isinstance(refused, ReleaseRefused) and "approvers can release" in refused.text.plain()
    assert harness.channel.of("notify_user")[-1][0] == BYSTANDER
    with harness.app.store.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "slot.confirm_refused")).one()
    nothing = publish_due(harness.app, due.replace(tzinfo=UTC) + timedelta(minutes=1)).events
    assert not any(isinstance(e, Published) for e in nothing)

    [released] = confirm_release(harness.app, season_id=season.season_id, actor=APPROVER, number=1)
    assert isinstance(released, ReleaseConfirmed) and released.episode == 1
    swept = publish_due(harness.app, due.replace(tzinfo=UTC) + timedelta(minutes=2))
    assert swept.result.published == 1 and any(isinstance(e, Published) for e in swept.events)
    with harness.app.store.session() as session:
        assert session.scalars(select(Episode.status)).one() == "PUBLISHED"
