"""Overdue approvals are escalated in the thread once per render, mentioning only who is missing — never approved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.services.escalation import escalate_overdue
from agent.services.review import handle_reaction
from agent.services.revisions import plan_rerender
from agent.store.db import Store
from agent.store.models import Approval, AuditEntry, Render, ReviewEscalation, ReviewMessage
from tests.services.conftest import CHANNEL, CREATOR, POSTED_AT, RecordingChannel, build_season

DANA, LEE = "U_DANA", "U_LEE"
DAY = timedelta(hours=24)


def approve(store: Store, ts: str, user: str) -> None:
    with store.session() as session:
        handle_reaction(session, channel_id=CHANNEL, ts=ts, user_id=user, reaction="+1", added=True)


def test_escalates_overdue_renders_once_and_never_approves(store: Store, tmp_path: Path,
                                                           channel: RecordingChannel) -> None:
    season = build_season(store, tmp_path, episodes=3, approvers=((DANA, None),), quorum=2)
    approve(store, season.card_ts[1], CREATOR)  # Ep 1 waits on Dana only
    approve(store, season.card_ts[2], CREATOR)
    approve(store, season.card_ts[2], DANA)  # Ep 2 is approved: nothing to chase

    assert escalate_overdue(store, channel, POSTED_AT + timedelta(hours=23), DAY) == 0  # not overdue yet
    assert escalate_overdue(store, channel, POSTED_AT + timedelta(hours=25), DAY) == 2
    assert escalate_overdue(store, channel, POSTED_AT + timedelta(hours=49), DAY) == 0  # idempotent

    [text] = channel.of("say")
    assert "24 h" in text and "not an auto-approve" in text
    lines = {line.split(" · ")[0]: line for line in text.splitlines() if line.startswith("• Ep")}
    assert set(lines) == {"• Ep 1", "• Ep 3"}
    assert f"<@{DANA}>" in lines["• Ep 1"] and f"<@{CREATOR}>" not in lines["• Ep 1"]
    assert f"<@{DANA}>" in lines["• Ep 3"] and f"<@{CREATOR}>" in lines["• Ep 3"]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 3  # nothing was added
        assert session.scalar(select(func.count()).select_from(ReviewEscalation)) == 2
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "review.escalated")) == 2


def test_missing_role_is_named_and_only_its_holders_are_mentioned(store: Store, tmp_path: Path,
                                                                  channel: RecordingChannel) -> None:
    season = build_season(store, tmp_path, episodes=1, approvers=((DANA, None), (LEE, "legal")))
    approve(store, season.card_ts[1], CREATOR)  # quorum 1 met, legal missing
    assert escalate_overdue(store, channel, POSTED_AT + 2 * DAY, DAY) == 1
    [text] = channel.of("say")
    assert "legal sign-off" in text and f"<@{LEE}>" in text and f"<@{DANA}>" not in text


def test_a_rerender_gets_its_own_clock(store: Store, tmp_path: Path, channel: RecordingChannel) -> None:
    season = build_season(store, tmp_path, episodes=1)
    assert escalate_overdue(store, channel, POSTED_AT + 2 * DAY, DAY) == 1
    new_id = plan_rerender(store, season.season_id, 1)
    finished = POSTED_AT + 3 * DAY
    with store.session() as session:
        render = session.get(Render, new_id)
        render.status, render.finished_at = "DONE", finished
        render.episode.status = "IN_REVIEW"
        session.add(ReviewMessage(render_id=new_id, channel_id=CHANNEL, message_ts="1700000009.000001",
                                  thread_ts=render.episode.season.thread_ts))
    assert escalate_overdue(store, channel, finished + timedelta(hours=1), DAY) == 0
    assert escalate_overdue(store, channel, finished + 2 * DAY, DAY) == 1


def test_a_failed_post_releases_the_claim(store: Store, tmp_path: Path) -> None:
    build_season(store, tmp_path, episodes=1)

    class Broken(RecordingChannel):
        def say(self, thread, text):  # type: ignore[no-untyped-def]
            raise ConnectionError("slack is down")

    with pytest.raises(ConnectionError):
        escalate_overdue(store, Broken(), POSTED_AT + 2 * DAY, DAY)
    retry = RecordingChannel()
    assert escalate_overdue(store, retry, POSTED_AT + 2 * DAY, DAY) == 1 and len(retry.of("say")) == 1
