"""Batch approval needs a confirmation and records one approval per episode; change notes get a scope and a plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agent.services.batch import (
    BatchError,
    cancel_batch,
    confirm_batch,
    parse_batch,
    pending_batch,
    request_batch,
)
from agent.services.review import Outcome
from agent.services.revisions import ChangeScope, classify_scope, plan_rerender, redo_plan, salted_hash
from agent.store.db import Store
from agent.store.models import Approval, AuditEntry, Episode, Render, Season
from tests.services.conftest import CREATOR, build_season

DANA = "U_DANA"


@pytest.mark.parametrize(("text", "numbers"), [
    ("approve 4-6", [4, 5, 6]),
    ("approve 4–6", [4, 5, 6]),
    ("Approve episodes 2, 5 and 7", [2, 5, 7]),
    ("approve ep 3 to 4", [3, 4]),
    ("approve 6-4.", [4, 5, 6]),
    ("approve it", None),
    ("please approve 4-6 and publish", None),
    ("make ep 4 darker", None),
])
def test_parse_batch(text: str, numbers: list[int] | None) -> None:
    assert parse_batch(text) == numbers


def test_batch_is_recorded_only_on_confirmation_one_approval_each(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=6)
    with store.session() as session:
        question = request_batch(session, session.get(Season, season.season_id), CREATOR, [4, 5, 6, 9])
        assert session.scalar(select(Approval.id)) is None  # asking records nothing
    assert [n for n, _ in question.episodes] == [4, 5, 6] and question.skipped == ["Ep 9 doesn't exist"]
    with store.session() as session, pytest.raises(BatchError, match="Only @U_MAYA"):
        confirm_batch(session, question.batch_id, DANA)
    with store.session() as session:
        decisions = confirm_batch(session, question.batch_id, CREATOR)
    assert [d.outcome for d in decisions] == [Outcome.APPROVED] * 3
    with store.session() as session:
        rows = session.scalars(select(Approval).order_by(Approval.render_id)).all()
        assert [(r.render_id, r.via) for r in rows] == [(season.render_ids[n], "batch") for n in (4, 5, 6)]
        statuses = dict(session.execute(select(Episode.number, Episode.status)).all())
        assert statuses == {1: "IN_REVIEW", 2: "IN_REVIEW", 3: "IN_REVIEW", 4: "APPROVED", 5: "APPROVED",
                            6: "APPROVED"}
        actions = [a for (a,) in session.execute(select(AuditEntry.action))]
        assert actions.count("review.approved") == 3 and "review.batch_confirmed" in actions
    with store.session() as session, pytest.raises(BatchError, match="already answered"):
        confirm_batch(session, question.batch_id, CREATOR)


def test_batch_refuses_non_approvers_and_pins_renders(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=3)
    with store.session() as session, pytest.raises(BatchError, match="Only this season's approvers"):
        request_batch(session, session.get(Season, season.season_id), "U_OLLY", [1, 2])
    with store.session() as session:
        question = request_batch(session, session.get(Season, season.season_id), CREATOR, [1, 2])
        old = session.get(Render, season.render_ids[2])  # Ep 2 is re-rendered before the "yes"
        session.add(Render(episode=old.episode, script_version_id=old.script_version_id, look_id=old.look_id,
                           input_hash="recut", status="DONE"))
    with store.session() as session:
        outcomes = [d.outcome for d in confirm_batch(session, question.batch_id, CREATOR)]
    assert outcomes == [Outcome.APPROVED, Outcome.SUPERSEDED]


def test_a_new_batch_replaces_the_pending_one_and_cancel_works(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=3)
    with store.session() as session:
        row = session.get(Season, season.season_id)
        first = request_batch(session, row, CREATOR, [1, 2])
        second = request_batch(session, row, CREATOR, [2, 3])
        assert pending_batch(session, season.season_id, CREATOR).id == second.batch_id
        cancel_batch(session, second.batch_id, CREATOR)
        assert pending_batch(session, season.season_id, CREATOR) is None
    with store.session() as session, pytest.raises(BatchError):
        confirm_batch(session, first.batch_id, CREATOR)


@pytest.mark.parametrize(("note", "scope"), [
    ("make the ending darker", ChangeScope.SCRIPT),
    ("Ep 3: change the line about coffee", ChangeScope.SCRIPT),
    ("the dialogue drags", ChangeScope.SCRIPT),
    ("logo is too small", ChangeScope.LOOK),
    ("warmer colour please, and fix the framing", ChangeScope.LOOK),
    ("use a bolder font", ChangeScope.LOOK),
    ("the second shot is too long", ChangeScope.LOOK),
    ("voice should be louder", ChangeScope.VOICE),
    ("lose the accent", ChangeScope.VOICE),
    ("darker ending and a louder voice", ChangeScope.SCRIPT),  # the widest scope wins
    ("the logo font and the voice", ChangeScope.LOOK),
    ("hmm not sure about it", ChangeScope.SCRIPT),  # no keyword: the safe default
])
def test_classify_scope(note: str, scope: ChangeScope) -> None:
    assert classify_scope(note).scope == scope


def test_redo_plan_says_what_and_how_long() -> None:
    script, look, voice = (redo_plan(s, 3, 15.0) for s in (ChangeScope.SCRIPT, ChangeScope.LOOK, ChangeScope.VOICE))
    assert script.eta_s > look.eta_s >= voice.eta_s >= 5
    assert "re-write" in script.announce() and "About" in script.announce()
    assert "same script" in look.what and "re-voice" in voice.what


def test_a_requested_rerender_of_the_same_inputs_is_a_new_render(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2)
    first = plan_rerender(store, season.season_id, 2)
    second = plan_rerender(store, season.season_id, 2)
    with store.session() as session:
        hashes = {session.get(Render, rid).input_hash for rid in (season.render_ids[2], first, second)}
        episode = session.get(Render, first).episode
        assert episode.status == "RENDERING" and episode.renders[-1].id == second
    assert len(hashes) == 3  # never a cache hit on the render being replaced
    assert salted_hash("x", 1) != salted_hash("x", 2)
