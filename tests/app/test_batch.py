"""Batch approval through the application layer: asked, answered in its own words, and followed up like a vote."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent.app.batch import handle_text
from agent.app.events import AllApproved, Approved, BatchAnswered, BatchAsked, Told
from agent.app.releases import parse_release
from agent.store.models import Approval, BatchApproval
from tests.app.conftest import APPROVER, BYSTANDER, Harness, build_season


def test_yes_approve_records_each_episode_and_gets_every_follow_up(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=3)
    [asked] = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="approve 1–3") or []
    assert isinstance(asked, BatchAsked) and [n for n, _ in asked.question.episodes] == [1, 2, 3]
    [question] = harness.channel.of("ask_batch")
    assert question.asker == APPROVER
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []  # asking records nothing
        row = session.scalar(select(BatchApproval))
        assert row is not None and row.message_ts  # the question's message is remembered for the answer

    # "confirm" is confirm mode's word now, never a batch answer.
    assert handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="confirm") is None

    events = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="yes, approve 1-3") or []
    assert [type(e) for e in events] == [BatchAnswered, Approved, Approved, Approved, AllApproved]
    assert len(harness.channel.of("update_card")) == 3  # every card refreshed
    [(ts, answer)] = harness.channel.of("answer_batch")  # the question becomes its answer
    assert ts == row.message_ts and "approval recorded for Ep 1, 2, 3 (batch)" in answer.plain()
    assert any("All 3 episodes are approved" in s for s in harness.channel.said())
    assert harness.campaign  # a batch approval starts the surround campaign like a reaction does
    with harness.app.store.session() as session:
        assert {a.via for a in session.scalars(select(Approval))} == {"batch"}


def test_a_yes_naming_other_episodes_is_refused(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=3)
    handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="approve 1 and 2")
    [told] = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="yes, approve 3") or []
    assert isinstance(told, Told) and "Ep 1, 2" in told.text.plain()
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []


def test_a_bystander_cannot_ask_and_is_told_privately(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=2)
    [told] = handle_text(harness.app, season_id=season.season_id, user_id=BYSTANDER, text="approve 1-2") or []
    assert isinstance(told, Told) and told.user == BYSTANDER
    assert harness.channel.of("notify_user")[0][0] == BYSTANDER and harness.channel.of("ask_batch") == []


def test_batch_and_release_words_cannot_collide() -> None:
    assert parse_release("publish ep 3") == (True, 3) and parse_release("release ep 3") == (True, 3)
    assert parse_release("publish") == (True, None)
    for batch_word in ("yes", "yes, approve 4–6", "approve 4-6", "confirm", "no"):
        assert parse_release(batch_word) == (False, None)


def test_a_batch_leaves_out_an_episode_nobody_could_watch(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=3, unposted=(2,))
    [asked] = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="approve 1-3") or []
    assert isinstance(asked, BatchAsked) and [n for n, _ in asked.question.episodes] == [1, 3]
    assert any("Ep 2's card never reached the thread" in s for s in asked.question.skipped)
    [told] = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="approve 2") or []
    assert isinstance(told, Told) and "post ep 2 again" in told.text.plain()


def test_only_the_asker_answers_and_the_refusal_names_them_as_a_reference(harness: Harness, tmp_path: Path) -> None:
    from agent.app.batch import answer
    from tests.app.conftest import CREATOR

    season = build_season(harness.app.store, tmp_path, episodes=2)
    [asked] = handle_text(harness.app, season_id=season.season_id, user_id=APPROVER, text="approve 1-2") or []
    assert isinstance(asked, BatchAsked)
    [told] = answer(harness.app, batch_id=asked.question.batch_id, user_id=CREATOR, confirm=True)
    assert isinstance(told, Told) and told.user == CREATOR and APPROVER in told.text.users.values()
    assert "@" not in told.text.template  # a reference, written by each channel its own way
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []
