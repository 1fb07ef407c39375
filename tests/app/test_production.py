"""'post ep N again': a render whose upload failed is posted once more, and only then can it be approved."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agent.app.events import Approved, VoteRefused
from agent.app.production import parse_post_again, post_again
from agent.app.votes import vote_on_episode
from agent.ports import PostedMessage, ReviewCard, ThreadRef
from agent.store.models import ReviewMessage
from tests.app.conftest import APPROVER, Harness, RecordingChannel, build_season


class FlakyChannel(RecordingChannel):
    """The review channel during a Slack outage: uploads fail until `up` is set."""

    up: bool = False

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        if not self.up:
            raise ConnectionError("files.getUploadURLExternal answered 503")
        return super().post_for_review(thread, card)


def test_parse_post_again() -> None:
    assert parse_post_again("post ep 3 again") == 3 and parse_post_again("repost episode 12") == 12
    assert parse_post_again("post it") is None and parse_post_again("post ep 3") is None


def test_post_again_retries_tells_and_then_puts_the_card_in_the_thread(harness: Harness, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.services import production

    monkeypatch.setattr(production, "POST_WAIT", lambda _state: 0)  # no real backoff in a unit test
    season = build_season(harness.app.store, tmp_path, episodes=2, unposted=(2,))
    harness.app.channel = channel = FlakyChannel()
    post_again(harness.app, season_id=season.season_id, number=2, actor=APPROVER)
    assert len(channel.of("post_for_review")) == 0
    assert any("I still couldn't upload Ep 2" in s and "post ep 2 again" in s for s in channel.said())
    [refused] = vote_on_episode(harness.app, season_id=season.season_id, number=2, user_id=APPROVER, approve=True,
                                via="terminal")
    assert isinstance(refused, VoteRefused)

    channel.up = True
    post_again(harness.app, season_id=season.season_id, number=2, actor=APPROVER)
    [card] = channel.of("post_for_review")
    assert card.render_id == season.render_ids[2]
    assert any("Ep 2 is posted again" in s for s in channel.said())
    with harness.app.store.session() as session:
        assert session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == season.render_ids[2]))
    [approved] = vote_on_episode(harness.app, season_id=season.season_id, number=2, user_id=APPROVER, approve=True,
                                 via="terminal")
    assert isinstance(approved, Approved)
    post_again(harness.app, season_id=season.season_id, number=2, actor=APPROVER)
    assert any("already in the thread" in s for s in channel.said())
