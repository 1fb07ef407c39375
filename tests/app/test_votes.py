"""Votes through the application layer: every way in gets the same follow-ups, and the entry-point rules hold."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from agent.app.events import AllApproved, Approved, VoteCounted, VoteRefused, WithdrawnAfterPublish
from agent.app.votes import parse_typed_vote, record_reaction, vote_on_episode, vote_on_render
from agent.domain import EpisodeStatus
from agent.store.models import Approval, AuditEntry, Episode, Season
from integrations.terminal import TerminalChannel, terminal_review_command
from tests.app.conftest import APPROVER, BYSTANDER, CHANNEL, CREATOR, Harness, build_season


def test_typed_votes_are_read_whatever_the_emoji_spelling() -> None:
    assert parse_typed_vote(":+1: 3") == (True, 3) and parse_typed_vote(":thumbsup::skin-tone-2: ep 12") == (True, 12)
    assert parse_typed_vote(":-1: 4") == (False, 4) and parse_typed_vote(":+1:") is None
    assert parse_typed_vote("approve 3") is None and parse_typed_vote(":+1: 3 and make it darker") is None


def kinds(events: list) -> list[str]:  # type: ignore[type-arg]
    return [type(e).__name__ for e in events]


def test_a_reaction_records_refreshes_the_card_and_starts_nothing_twice(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=2)
    events = record_reaction(harness.app, channel_id=CHANNEL, ts=season.card_ts[1], user_id=APPROVER,
                             reaction="+1::skin-tone-2", added=True)
    assert kinds(events) == ["Approved"]
    [card] = harness.channel.of("update_card")
    assert card.render_id == season.render_ids[1] and card.state == "APPROVED" and card.approved_by == [APPROVER]
    assert not any(isinstance(e, AllApproved) for e in events)  # episode 2 still waits
    with harness.app.store.session() as session:
        assert [a.user_id for a in session.scalars(select(Approval))] == [APPROVER]


def test_the_last_approval_says_all_approved_whatever_the_entry_point(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=2)
    vote_on_render(harness.app, render_id=season.render_ids[1], user_id=APPROVER, approve=True, via="button")
    events = vote_on_episode(harness.app, season_id=season.season_id, number=2, user_id=CREATOR, approve=True,
                             via="terminal")
    assert kinds(events) == ["Approved", "AllApproved"]
    [said] = [s for s in harness.channel.said() if "All 2 episodes are approved" in s]
    assert "schedule daily at 6pm" in said


def test_a_non_approver_is_told_privately_with_people_as_references(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    [refused] = record_reaction(harness.app, channel_id=CHANNEL, ts=season.card_ts[1], user_id=BYSTANDER,
                                reaction="+1", added=True)
    assert isinstance(refused, VoteRefused) and refused.reason == "not_approver"
    [(user, notice)] = harness.channel.of("notify_user")
    assert user == BYSTANDER and set(notice.users.values()) == {CREATOR, APPROVER}
    assert "<@" not in notice.template and "only this season's approvers" in notice.plain()
    assert harness.channel.said() == []  # nobody else hears about it


def test_quorum_two_counts_then_approves(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1, quorum=2)
    first = vote_on_render(harness.app, render_id=season.render_ids[1], user_id=APPROVER, approve=True, via="button")
    assert isinstance(first[0], VoteCounted)
    second = vote_on_render(harness.app, render_id=season.render_ids[1], user_id=CREATOR, approve=True, via="button")
    assert isinstance(second[0], Approved) and second[0].episode_id > 0


def test_terminal_vote_on_a_render_still_running_is_refused_and_says_why(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=3, approvers=("you",), running=(3,))
    console = Console(record=True, width=200)
    harness.app.channel = TerminalChannel(console)
    with harness.app.store.session() as session:
        row = session.get_one(Season, season.season_id)
        row.thread_key, row.team_id, row.channel_id = "local:terminal:t1", "local", "terminal"
    assert terminal_review_command(harness.app, ":+1: 3", "t1")
    out = console.export_text()
    assert "(only you) Your vote on Ep 3 wasn't recorded: it is running, not finished." in out
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []
        episode = session.scalar(select(Episode).where(Episode.number == 3))
        assert episode is not None and episode.status == EpisodeStatus.RENDERING
    assert terminal_review_command(harness.app, ":+1: 1", "t1")  # a finished, posted render: approved
    assert "Ep 1: approved" in console.export_text()


def test_a_render_whose_card_never_reached_the_thread_cannot_be_approved(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=2, unposted=(2,))
    [refused] = vote_on_episode(harness.app, season_id=season.season_id, number=2, user_id=APPROVER, approve=True,
                                via="terminal")
    assert isinstance(refused, VoteRefused) and refused.reason == "not_ready"
    assert "its card isn't in the thread yet" in refused.text.plain() and "post ep 2 again" in refused.text.plain()
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []


def test_removing_a_thumbs_up_after_publishing_is_audited_and_answered(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    record_reaction(harness.app, channel_id=CHANNEL, ts=season.card_ts[1], user_id=APPROVER, reaction="+1",
                    added=True)
    with harness.app.store.session() as session:
        episode = session.scalar(select(Episode).where(Episode.season_id == season.season_id))
        assert episode is not None
        episode.status = EpisodeStatus.PUBLISHED
    events = record_reaction(harness.app, channel_id=CHANNEL, ts=season.card_ts[1], user_id=APPROVER,
                             reaction="+1", added=False)
    assert [type(e) for e in events] == [WithdrawnAfterPublish]
    [said] = [s for s in harness.channel.said() if "took back their approval of Ep 1" in s]
    assert "already published" in said and f"@{APPROVER}" in said
    with harness.app.store.session() as session:
        actions = [(a.actor, a.action) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        approval = session.scalar(select(Approval))
    assert actions[-1] == (APPROVER, "review.withdrawn_after_publish")
    assert approval is not None and approval.withdrawn_at is None  # the record of the approval stands
