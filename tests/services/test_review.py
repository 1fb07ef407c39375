"""The review gate's rules, against a real migrated store: who counts, quorum, roles, withdrawal, versions, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agent.services.approvals import ApproverError, remove_approver, set_approver, set_quorum
from agent.services.review import (
    Outcome,
    build_card,
    handle_reaction,
    recompute_states,
    request_changes,
    vote,
)
from agent.store.db import Store
from agent.store.models import AuditEntry, ChangeRequest, Episode, Render, Season
from tests.services.conftest import CHANNEL, CREATOR, build_season

DANA, LEE, OLLY = "U_DANA", "U_LEE", "U_OLLY"


def react(store: Store, ts: str, user: str, name: str = "+1", added: bool = True):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return handle_reaction(session, channel_id=CHANNEL, ts=ts, user_id=user, reaction=name, added=added)


def status_of(store: Store, season_id: int, number: int) -> str:
    with store.session() as session:
        return session.scalar(select(Episode.status).where(Episode.season_id == season_id, Episode.number == number))


def audit_actions(store: Store) -> list[tuple[str, str, str | None]]:
    with store.session() as session:
        return [(row.actor, row.action, row.detail.get("via"))
                for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_thumbs_up_with_any_skin_tone_approves_and_is_audited(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2)
    decision = react(store, season.card_ts[1], CREATOR, "+1::skin-tone-5")
    assert decision.outcome == Outcome.APPROVED and decision.refresh_cards == [season.render_ids[1]]
    assert status_of(store, season.season_id, 1) == "APPROVED"
    assert (CREATOR, "review.approved", "reaction") in audit_actions(store)


def test_non_approver_is_refused_with_a_reason_and_the_refusal_is_audited(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    decision = react(store, season.card_ts[1], OLLY)
    assert decision.outcome == Outcome.NOT_APPROVER
    assert "only this season's approvers" in decision.message and CREATOR in decision.notice.users.values()
    assert status_of(store, season.season_id, 1) == "IN_REVIEW"
    assert (OLLY, "review.refused", "reaction") in audit_actions(store)


def test_reactions_on_other_messages_or_other_emoji_are_ignored(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    assert react(store, "999.000", CREATOR).outcome == Outcome.IGNORED
    assert react(store, season.card_ts[1], CREATOR, "tada").outcome == Outcome.IGNORED


def test_quorum_two_needs_two_different_approvers(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1, approvers=((DANA, None),), quorum=2)
    assert react(store, season.card_ts[1], CREATOR).outcome == Outcome.COUNTED
    assert react(store, season.card_ts[1], CREATOR).outcome == Outcome.COUNTED  # the same person twice is one
    assert status_of(store, season.season_id, 1) == "IN_REVIEW"
    assert react(store, season.card_ts[1], DANA).outcome == Outcome.APPROVED
    with store.session() as session:
        card = build_card(session, session.get(Render, season.render_ids[1]))
    assert card.quorum == 2 and card.approved_by == [CREATOR, DANA] and card.state == "APPROVED"


def test_required_role_blocks_until_that_role_signs_off(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1, approvers=((LEE, "legal"),))
    assert react(store, season.card_ts[1], CREATOR).outcome == Outcome.COUNTED
    with store.session() as session:
        card = build_card(session, session.get(Render, season.render_ids[1]))
    assert card.missing_roles == ["legal"] and card.state == "IN_REVIEW"
    assert react(store, season.card_ts[1], LEE).outcome == Outcome.APPROVED


def test_removing_the_reaction_withdraws_the_approval(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    react(store, season.card_ts[1], CREATOR)
    decision = react(store, season.card_ts[1], CREATOR, "+1::skin-tone-2", added=False)
    assert decision.outcome == Outcome.WITHDRAWN
    assert status_of(store, season.season_id, 1) == "IN_REVIEW"
    assert (CREATOR, "review.withdrawn", "reaction") in audit_actions(store)
    assert react(store, season.card_ts[1], CREATOR, added=False).outcome == Outcome.IGNORED  # nothing left


def test_thumbs_down_then_note_is_one_change_request_with_a_scope(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    assert react(store, season.card_ts[1], CREATOR, "-1").outcome == Outcome.CHANGES_REQUESTED
    with store.session() as session:
        render = session.get(Render, season.render_ids[1])
        request_changes(session, render=render, user_id=CREATOR, note="make the logo bigger", via="thread")
        request_changes(session, render=render, user_id=CREATOR, note="make the logo bigger", via="thread")
        rows = session.scalars(select(ChangeRequest)).all()
    assert [(r.note, r.scope) for r in rows] == [("make the logo bigger", "look")]
    assert status_of(store, season.season_id, 1) == "CHANGES_REQUESTED"
    changes = [a for a in audit_actions(store) if a[1] == "review.changes_requested"]
    assert len(changes) == 2  # the :-1: and the note; the repeated note is not audited again


def test_an_approval_belongs_to_one_render(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    react(store, season.card_ts[1], CREATOR)
    with store.session() as session:
        old = session.get(Render, season.render_ids[1])
        new = Render(episode=old.episode, script_version_id=old.script_version_id, look_id=old.look_id,
                     input_hash="new", status="DONE")
        session.add(new)
        session.flush()
        assert build_card(session, old).state == "SUPERSEDED"
        assert vote(session, render=old, user_id=CREATOR, approve=True, via="button").outcome == Outcome.SUPERSEDED
        assert build_card(session, new).approved_by == []  # the re-render needs a fresh approval


def test_quorum_change_reopens_approved_episodes(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2, approvers=((DANA, None),))
    react(store, season.card_ts[1], CREATOR)
    with store.session() as session:
        row = session.get(Season, season.season_id)
        set_quorum(session, row, 2, CREATOR)
        assert recompute_states(session, row) == [season.render_ids[1]]
    assert status_of(store, season.season_id, 1) == "IN_REVIEW"


def test_approver_list_rules(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1)
    with store.session() as session:
        row = session.get(Season, season.season_id)
        assert set_approver(session, row, DANA, CREATOR) == "added"
        assert set_approver(session, row, DANA, CREATOR, role="Legal") == "updated"
        assert set_approver(session, row, DANA, CREATOR, role="legal") == "unchanged"
        set_quorum(session, row, 2, CREATOR)
        with pytest.raises(ApproverError, match="quorum"):
            remove_approver(session, row, DANA, CREATOR)
        set_quorum(session, row, 1, CREATOR)
        remove_approver(session, row, DANA, CREATOR)
        assert [a.user_id for a in row.approvers] == [CREATOR]
        with pytest.raises(ApproverError, match="at least one approver"):
            remove_approver(session, row, CREATOR, CREATOR)
    actions = [a[1] for a in audit_actions(store)]
    assert actions.count("approver.added") == 1 and "approver.role_set" in actions and "approver.removed" in actions


def test_an_open_change_request_blocks_approval_until_answered(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1, approvers=((DANA, None),))
    react(store, season.card_ts[1], CREATOR)
    assert status_of(store, season.season_id, 1) == "APPROVED"
    react(store, season.card_ts[1], CREATOR, "-1")  # changing one's mind takes the approval back
    with store.session() as session:
        assert build_card(session, session.get(Render, season.render_ids[1])).approved_by == []
    assert react(store, season.card_ts[1], DANA).outcome == Outcome.COUNTED  # the open request still blocks
    assert status_of(store, season.season_id, 1) == "CHANGES_REQUESTED"
    assert react(store, season.card_ts[1], CREATOR).outcome == Outcome.APPROVED  # approving answers it
    with store.session() as session:
        assert session.scalars(select(ChangeRequest.resolved_at)).one() is not None
