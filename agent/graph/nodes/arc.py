"""Arc stage: show the draft with its checks; targeted revisions, character swaps, brief changes, undo; proceed.

Every change is a new arc version in the database; the conversation keeps an undo stack of the versions to go
back to (with the brief, when a change of mind changed the brief too).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.brain.briefparse import looks_like_brief_info
from agent.brain.castswap import parse_swap, swap_character
from agent.context import TurnContext
from agent.domain import Arc, Brief
from agent.graph.nodes.apply import apply_arc_actions, needs_many, not_done_line
from agent.graph.nodes.briefing import brief_problems, label
from agent.graph.nodes.cast import offer_cast
from agent.graph.nodes.common import ask_again, say
from agent.graph.nodes.drafts import arc_checks, load_season, present_arc, save_and_show_revision
from agent.graph.replies import brief_summary, checks_block, validation_message
from agent.graph.routing import off_script
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import arcs, seasons
from agent.store.models import Season
from agent.understanding.understand import understand_with


def current_version(ctx: TurnContext, season_id: int) -> int:
    with ctx.app.store.session() as session:
        latest = arcs.latest_version(session, season_id)
        return latest.version if latest else 0


def arc_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Revise or accept the arc."""
    text: str = interrupt({"stage": "arc"})
    ctx = runtime.context
    arc_now, _brief, _bible = load_season(ctx, state["season_id"])
    actions = understand_with(ctx.app.brain, text, "arc", len(arc_now.episodes) if arc_now else None)
    if arc_now is not None and needs_many(actions):  # several requests in one message: all applied, one reply
        return apply_arc_actions(ctx, dict(state), actions)
    interp = ctx.app.brain.interpret(text, "arc")
    handled = off_script(ctx, dict(state), text, interp, "arc")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    arc, brief, bible = load_season(ctx, season_id)
    assert arc is not None and brief is not None
    history = list(state.get("arc_history", []))
    undo_point = {"version": current_version(ctx, season_id), "brief": None}
    if interp.intent == Intent.PROCEED:
        ids = offer_cast(ctx, season_id, brief, arc)
        return Command(goto="cast", update={"stage": "cast", "cast_ids": ids})
    if interp.intent == Intent.UNDO:
        return _undo(ctx, season_id, history)
    if interp.intent == Intent.REVISE and interp.episode:
        if not 1 <= interp.episode <= len(arc.episodes):
            say(ctx, f"This season has episodes 1–{len(arc.episodes)}; which one should change?")
            return Command(goto="arc")
        before = arc.episodes[interp.episode - 1]
        after = ctx.app.brain.revise_episode(arc, interp.episode, interp.note or text, bible)
        new_arc = arc.model_copy(update={"episodes": [after if e.number == after.number else e for e in arc.episodes]})
        save_and_show_revision(ctx, season_id, before, new_arc, note=f"ep {after.number}: {text[:120]}")
        return Command(goto="arc", update={"arc_history": history + [undo_point]})
    if swap := parse_swap(text, arc):
        role, name = swap
        new_arc, old, new = swap_character(arc, role, name)
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            version = seasons.save_arc(session, season, new_arc, note=f"swap {role}: {old} → {new}",
                                       actor=ctx.user_id)
        findings, tone = arc_checks(ctx, new_arc, brief, bible)
        say(ctx, f"Swapped the {role}: *{old}* is now *{new}* everywhere (cast, lines, every episode); nothing else "
                 f"revised. _(now v{version})_\n{checks_block(findings, tone)}\nSay *undo* to bring {old} back.")
        return Command(goto="arc", update={"arc_history": history + [undo_point]})
    if looks_like_brief_info(text):
        changed = change_brief(ctx, season_id, brief, text)
        if changed is not None:
            return Command(goto="arc", update={
                "arc_history": history + [{**undo_point, "brief": brief.model_dump(mode="json")}],
                "brief_draft": changed})
        return Command(goto="arc")
    if interp.intent == Intent.REVISE:
        return ask_again(ctx, "arc", f"Which episode should change (1–{len(arc.episodes)})? e.g. \"make episode 3 "
                                     f"{interp.note.split()[-1] if interp.note else 'darker'}\".")
    refused = not_done_line([a for a in actions if a.kind == "out_of_scope"], "arc")
    if refused:
        say(ctx, refused + "\nSay *looks good* to move on to casting, or name an episode to change.")
        return Command(goto="arc")
    return ask_again(ctx, "arc", "Say *looks good* to move on to casting, or name an episode to change.")


def change_brief(ctx: TurnContext, season_id: int, brief: Brief, text: str) -> dict[str, Any] | None:
    """A change of mind about the brief: validate, save, rewrite the arc; None when nothing (valid) changed."""
    current = brief.model_dump(mode="json")
    fields = ctx.app.brain.extract_brief(text, current)
    if fields == current:
        return None
    try:
        new_brief = Brief.model_validate(fields)
    except ValidationError as error:
        say(ctx, f"I can't make that change — nothing you told me is lost, the current arc stays:\n"
                 f"{validation_message(error)}")
        return None
    if problems := brief_problems(new_brief):
        say(ctx, "I can't make that change — the current arc stays:\n" +
            "\n".join(f"• *{label(f)}*: {reason}" for f, reason in problems.items()))
        return None
    if new_brief == brief:
        return None
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        seasons.save_brief(session, season, new_brief)
    say(ctx, f"Changed the brief — {brief_summary(new_brief)}\nRewriting the arc to match (say *undo* to go back)…")
    present_arc(ctx, season_id, new_brief, note="brief changed")
    return new_brief.model_dump(mode="json")


def _undo(ctx: TurnContext, season_id: int, history: list[dict[str, Any]]) -> Command:
    """Go back to the version before the last change (and its brief, if the change was a brief change)."""
    if not history:
        say(ctx, "Nothing to undo — this is the first draft.")
        return Command(goto="arc")
    point = history[-1]
    update: dict[str, Any] = {"arc_history": history[:-1]}
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        row = arcs.get_version(session, season_id, int(point["version"]))
        if row is None:
            say(ctx, "I can't find that earlier version any more — nothing changed.")
            return Command(goto="arc", update=update)
        if point.get("brief"):
            restored = Brief.model_validate(point["brief"])
            seasons.save_brief(session, season, restored)
            update["brief_draft"] = point["brief"]
        version = seasons.save_arc(session, season, Arc.model_validate(row.arc), note=f"undo → v{row.version}",
                                   actor=ctx.user_id)
    say(ctx, f"Undone — back to the arc as it was in v{point['version']} (saved as v{version}). "
             "Say *what changed* to see the difference, or *undo* again.")
    return Command(goto="arc", update=update)
