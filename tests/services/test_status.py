"""The status view and the audit trail read the database: per-episode state, who's missing, blockers, decisions."""

from __future__ import annotations

from pathlib import Path

from agent.services.review import handle_reaction
from agent.store.db import Store
from integrations.slack.blocks.status import status_blocks
from tests.services.conftest import CHANNEL, CREATOR, build_season
from tools.status import audit_text, audit_trail, season_view

LEE = "U_LEE"


def react(store: Store, ts: str, user: str, name: str = "+1", added: bool = True) -> None:
    with store.session() as session:
        handle_reaction(session, channel_id=CHANNEL, ts=ts, user_id=user, reaction=name, added=added)


def test_view_states_waiting_and_blockers(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=3, approvers=((LEE, "legal"),))
    react(store, season.card_ts[1], CREATOR)
    react(store, season.card_ts[1], LEE)
    react(store, season.card_ts[2], CREATOR)
    react(store, season.card_ts[3], LEE, "-1")
    view = season_view(store, season.season_id)
    assert [e.status for e in view.episodes] == ["APPROVED", "IN_REVIEW", "CHANGES_REQUESTED"]
    assert view.episodes[1].waiting_on == [LEE] and view.episodes[1].missing_roles == ["legal"]
    assert view.waiting_on == [LEE]
    assert "Ep 2: needs legal sign-off" in view.blockers
    assert any(b.startswith("Ep 3: changes requested") for b in view.blockers)
    blocks = status_blocks(view)
    text = str(blocks)
    assert blocks[0]["type"] == "header" and "Still to approve" in text and f"<@{LEE}>" in text
    assert ":white_check_mark: *Ep 1*" in text and "(legal)" in text


def test_audit_trail_names_who_what_when_and_how(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=2)
    react(store, season.card_ts[2], CREATOR, "+1::skin-tone-3")
    react(store, season.card_ts[2], CREATOR, "+1", added=False)
    react(store, season.card_ts[1], "U_OLLY")
    lines = audit_trail(store, season.season_id, episode=2)
    assert [(line.actor, line.action, line.via) for line in lines] == [
        (CREATOR, "review.approved", "reaction"), (CREATOR, "review.withdrawn", "reaction")]
    text = audit_text(store, season.season_id).plain()
    assert f"@{CREATOR} approved Ep 2 via reaction" in text and "withdrew approval of Ep 2" in text
    assert "@U_OLLY was refused on Ep 1 (not approver) via reaction" in text
    assert "UTC" in text
    assert audit_text(store, season.season_id, episode=9).plain().startswith("No review decisions")
