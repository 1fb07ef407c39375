"""Who may change the rules: the season's creator or a current approver; anyone else gets the reason, audited."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent.app.approvers import change_rules
from agent.app.events import ApproversChanged, ChangeRefused
from agent.app.votes import vote_on_render
from agent.store.models import Approval, AuditEntry, Season
from tests.app.conftest import APPROVER, BYSTANDER, CREATOR, Harness, build_season


def approvers(harness: Harness, season_id: int) -> tuple[set[str], int]:
    with harness.app.store.session() as session:
        season = session.get_one(Season, season_id)
        return {a.user_id for a in season.approvers}, season.quorum


def test_a_bystander_cannot_add_themselves_and_the_attempt_is_audited(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    for text in (f"add <@{BYSTANDER}> as approver", "quorum 2", f"remove <@{APPROVER}> as approver",
                 f"add <@{BYSTANDER}> as legal approver"):
        [refused] = change_rules(harness.app, season_id=season.season_id, actor=BYSTANDER, text=text) or []
        assert isinstance(refused, ChangeRefused) and refused.reason == "not_allowed"
    assert approvers(harness, season.season_id) == ({CREATOR, APPROVER}, 1)
    said = harness.channel.of("say")[0]
    assert said.users["actor"] == BYSTANDER and said.users["creator"] == CREATOR
    assert "only {creator}, who started this season, or a current approver" in said.template
    with harness.app.store.session() as session:
        refusals = session.scalars(select(AuditEntry).where(AuditEntry.action == "approvers.change_refused")).all()
    assert [(a.actor, a.detail["reason"]) for a in refusals] == [(BYSTANDER, "not_allowed")] * 4

    # …so their vote still doesn't count.
    vote_on_render(harness.app, render_id=season.render_ids[1], user_id=BYSTANDER, approve=True, via="button")
    with harness.app.store.session() as session:
        assert session.scalars(select(Approval)).all() == []


def test_the_creator_and_an_approver_may_change_the_rules(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    [added] = change_rules(harness.app, season_id=season.season_id, actor=CREATOR,
                           text="add <@U_DANA> as legal approver") or []
    assert isinstance(added, ApproversChanged) and added.text.users == {"user": "U_DANA"}
    [quorum] = change_rules(harness.app, season_id=season.season_id, actor=APPROVER, text="quorum 2") or []
    assert isinstance(quorum, ApproversChanged)
    assert approvers(harness, season.season_id) == ({CREATOR, APPROVER, "U_DANA"}, 2)
    [too_high] = change_rules(harness.app, season_id=season.season_id, actor=APPROVER, text="quorum 9") or []
    assert isinstance(too_high, ChangeRefused) and too_high.reason == "rule"
    assert change_rules(harness.app, season_id=season.season_id, actor=APPROVER, text="looks good") is None


def test_raising_the_quorum_puts_an_approved_episode_back_in_review(harness: Harness, tmp_path: Path) -> None:
    season = build_season(harness.app.store, tmp_path, episodes=1)
    vote_on_render(harness.app, render_id=season.render_ids[1], user_id=APPROVER, approve=True, via="button")
    [changed] = change_rules(harness.app, season_id=season.season_id, actor=CREATOR, text="quorum 2") or []
    assert isinstance(changed, ApproversChanged) and changed.changed_renders == (season.render_ids[1],)
    assert harness.channel.of("update_card")[-1].state == "IN_REVIEW"
