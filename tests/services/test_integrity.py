"""The gate's database-level integrity rules (issue 10 §6), through the real services and store.

The channel is the ReviewChannel port's recording stand-in (the outside edge); a failing upload is that edge raising,
like Slack's 5xx on files.getUploadURLExternal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from agent.domain import EpisodeStatus
from agent.ports import PostedMessage, ReviewCard, ThreadRef
from agent.services import production
from agent.services.approvals import approved_render, why_not_approved
from agent.services.batch import BatchError, confirm_batch, request_batch
from agent.services.review import Outcome, handle_reaction, vote
from agent.store.db import Store
from agent.store.models import AuditEntry, Episode, Render, ReviewMessage, Season
from tests.services.conftest import CHANNEL, CREATOR, RecordingChannel, build_season


@dataclass
class FlakyChannel(RecordingChannel):
    """Fails the first `failures` uploads, then works."""

    failures: int = 0

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        self.calls.append(("attempt", card.episode_number))
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("files.getUploadURLExternal: 503 Service Unavailable")
        return super().post_for_review(thread, card)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    from tenacity import wait_none

    monkeypatch.setattr(production, "POST_WAIT", wait_none())


def _unpost(store: Store, render_id: int) -> None:
    """The render finished but its card never reached the thread."""
    with store.session() as s:
        s.execute(delete(ReviewMessage).where(ReviewMessage.render_id == render_id))
        s.get_one(Render, render_id).card_ts = None
        s.get_one(Render, render_id).episode.status = EpisodeStatus.RENDERED


def _audits(store: Store, action: str) -> list[dict]:
    with store.session() as s:
        return list(s.scalars(select(AuditEntry.detail).where(AuditEntry.action == action)))


def test_a_vote_on_a_render_whose_card_never_reached_the_thread_does_not_count(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2)
    _unpost(store, season.render_ids[2])
    with store.session() as s:
        render = s.get_one(Render, season.render_ids[2])
        decision = vote(s, render=render, user_id=CREATOR, approve=True, via="terminal")
        assert decision.outcome == Outcome.NOT_READY and "isn't in the thread" in decision.message
        assert "post ep 2 again" in why_not_approved(s, render, render.episode.season)
        assert approved_render(s, render.episode) is None
    assert _audits(store, "review.refused")[-1]["reason"] == "not_ready"


def test_an_unfinished_render_cannot_be_approved(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    with store.session() as s:
        render = s.get_one(Render, season.render_ids[1])
        render.status = "RUNNING"
        decision = vote(s, render=render, user_id=CREATOR, approve=True, via="terminal")
    assert decision.outcome == Outcome.NOT_READY and "running, not finished" in decision.message


def test_batch_approval_leaves_out_renders_nobody_could_see(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=3)
    _unpost(store, season.render_ids[2])
    with store.session() as s:
        question = request_batch(s, s.get_one(Season, season.season_id), CREATOR, [1, 2, 3])
        assert [n for n, _ in question.episodes] == [1, 3]
        assert any("Ep 2" in why and "post ep 2 again" in why for why in question.skipped)
    with store.session() as s:  # a card lost between the question and the "yes" is refused at confirmation
        _unpost(store, season.render_ids[3])
    with store.session() as s:
        outcomes = [d.outcome for d in confirm_batch(s, question.batch_id, CREATOR)]
        assert outcomes == [Outcome.APPROVED, Outcome.NOT_READY]
        assert approved_render(s, s.get_one(Render, season.render_ids[3]).episode) is None
    with store.session() as s, pytest.raises(BatchError, match="post ep 2 again"):
        request_batch(s, s.get_one(Season, season.season_id), CREATOR, [2])


def test_removing_an_approval_after_publishing_is_audited_and_answered(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    ts = season.card_ts[1]
    with store.session() as s:
        assert handle_reaction(s, channel_id=CHANNEL, ts=ts, user_id=CREATOR, reaction="+1",
                               added=True).outcome == Outcome.APPROVED
        s.get_one(Render, season.render_ids[1]).episode.status = EpisodeStatus.PUBLISHED
    with store.session() as s:
        decision = handle_reaction(s, channel_id=CHANNEL, ts=ts, user_id=CREATOR, reaction="+1", added=False)
    assert decision.outcome == Outcome.ALREADY_PUBLISHED and "already published" in decision.message
    [entry] = _audits(store, "review.withdrawn_after_publish")
    assert entry["had_approved"] is True and entry["episode"] == 1
    with store.session() as s:  # the approval itself stands: the published cut was approved
        episode = s.get_one(Render, season.render_ids[1]).episode
        assert episode.status == EpisodeStatus.PUBLISHED


def test_a_failed_upload_is_retried_then_told_and_reposted(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2)
    render_id = season.render_ids[2]
    _unpost(store, render_id)
    channel = FlakyChannel(failures=production.POST_ATTEMPTS)
    with pytest.raises(ConnectionError):
        production.post_for_review(store, render_id, channel)
    assert channel.of("attempt") == [2] * production.POST_ATTEMPTS  # retried with backoff, then gave up
    production.post_failed(store, render_id, channel, ConnectionError("503 xoxb-not-a-real-token-1234567890"))
    told = channel.of("say")[-1]  # as the Slack adapter writes it
    assert told == "Ep 2 rendered but I couldn't upload it — say *post ep 2 again*."
    [failure] = _audits(store, "render.post_failed")
    assert "xoxb-not-a-real-token" not in failure["error"], "error text is redacted before it is stored"
    notice, finished = production.progress_text(store, season.season_id)
    text = notice.plain()
    assert not finished and "1/2 in the thread" in text and "post ep 2 again" in text
    with store.session() as s:
        assert s.scalar(select(ReviewMessage.id).where(ReviewMessage.render_id == render_id)) is None
        episode_id = s.get_one(Render, render_id).episode_id
    channel.failures = 1  # "post ep 2 again": one more hiccup, then it goes through
    posted = production.repost(store, channel, episode_id)
    assert posted is not None
    with store.session() as s:
        row = s.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id))
        assert row is not None and row.message_ts == posted.ts
        assert s.get_one(Episode, episode_id).status == EpisodeStatus.IN_REVIEW
    assert production.progress_text(store, season.season_id)[1], "both cards are in the thread now"
    assert production.repost(store, channel, episode_id) == posted, "a second repost posts nothing new"
    assert len(channel.of("post_for_review")) == 1
