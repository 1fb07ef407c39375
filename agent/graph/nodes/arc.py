"""Arc stage: show the draft with its checks; targeted revisions, character swaps, brief changes, undo; proceed.

Every change is a new arc version in the database; the conversation keeps an undo stack of the versions to go
back to (with the brief, when a change of mind changed the brief too).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.context import TurnContext
from agent.domain import Arc, Brief
from agent.graph.actions.arc import HANDLERS, finish
from agent.graph.actions.dispatch import dispatch
from agent.graph.actions.reading import read_message
from agent.graph.actions.step import Step
from agent.graph.nodes.briefing import brief_problems, label
from agent.graph.nodes.common import say
from agent.graph.nodes.drafts import present_arc
from agent.graph.replies import brief_summary, validation_message
from agent.graph.state import SeasonState
from agent.services import arcs, seasons
from agent.store.models import Season


def current_version(ctx: TurnContext, season_id: int) -> int:
    with ctx.app.store.session() as session:
        latest = arcs.latest_version(session, season_id)
        return latest.version if latest else 0


def arc_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Revise or accept the arc: every request of the message applied through the catalogue's handlers."""
    text: str = interrupt({"stage": "arc"})
    step = Step(ctx=runtime.context, state=dict(state), stage="arc", text=text)
    actions = read_message(step.ctx, step.state, text, "arc")
    step.scratch["more_brief"] = [a.clause for a in actions if a.kind == "set_brief"][1:]
    return dispatch(step, actions, HANDLERS, finish)


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


def undo_last(ctx: TurnContext, season_id: int, history: list[dict[str, Any]]) -> Command:
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
