"""The offline understander's readings of the catalogue's newer kinds, written the way marketers write them."""

from __future__ import annotations

import pytest

from agent.brain.offline import OfflineBrain
from agent.understanding.actions import STAGE_ACTIONS, Audit, Figures, Render, ReviseEpisodes
from agent.understanding.context import MessageContext
from agent.understanding.understand import understand


@pytest.mark.parametrize("text", ["how are we doing?", "hows the show doing", "show me the numbers pls",
                                  "how is the season performing"])
def test_figures_is_an_action(text: str) -> None:
    [action] = understand(text, "review")
    assert isinstance(action, Figures) and action.digest is None


def test_the_weekly_digest_switch_is_a_figures_action() -> None:
    [off] = understand("pls stop the weekly digest", "arc")
    [on] = understand("turn the weekly digest back on", "review")
    assert (off.kind, getattr(off, "digest", None)) == ("figures", "off")
    assert (on.kind, getattr(on, "digest", None)) == ("figures", "on")


def test_several_requests_keep_their_order_and_kinds() -> None:
    kinds = [a.kind for a in understand("whats the status? also write me a poem about cats", "cast")]
    assert kinds[0] == "status" and kinds[1] in ("out_of_scope", "unclear") and len(kinds) == 2
    kinds = [a.kind for a in understand("status pls; cancel the renders. and book me a flight to Paris", "review")]
    assert kinds[:2] == ["status", "render"] and kinds[2] in ("out_of_scope", "unclear")


def test_audit_render_and_choices_carry_their_arguments() -> None:
    [audit] = understand("audit ep 3", "review")
    assert isinstance(audit, Audit) and audit.episode == 3
    [who] = understand("whos approved ep 2", "review")
    assert isinstance(who, Audit) and who.episode == 2
    [cancel] = understand("cancel the renders", "look")
    assert isinstance(cancel, Render) and cancel.what == "cancel"
    [pick] = understand("2", "cast")
    assert pick.kind == "choose_option" and getattr(pick, "option", None) == 2
    [elsewhere] = understand("go with 2", "look")  # not a choice at the look: the dispatcher says why
    assert elsewhere.kind == "passthrough" and getattr(elsewhere, "label", "") == "choose_option"


@pytest.mark.parametrize("stage", sorted(STAGE_ACTIONS))
def test_every_stage_answers_the_shared_requests(stage: str) -> None:
    """Status, figures, help and an out-of-scope ask are read as themselves at every stage, never as
    something the stage hands back ("passthrough")."""
    asked = {"where are we at with all this?": "status", "how are we doing?": "figures", "help": "help",
             "can you book me a flight to Lisbon": "out_of_scope"}
    for text, kind in asked.items():
        assert [a.kind for a in understand(text, stage, 8)] == [kind], (stage, text)
    assert not any({"approve", "publish"} & set(kinds) for kinds in STAGE_ACTIONS.values())


def test_the_offline_brain_reads_the_episode_count_from_the_context() -> None:
    context = MessageContext(stage="arc", episodes_in_arc=9, facts={"brand": "Aster"})
    [action] = OfflineBrain().understand("make the finale darker", "arc", context=context)
    assert isinstance(action, ReviseEpisodes) and action.episodes == [9]
