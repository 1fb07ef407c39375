"""Brief intake: extract the brief from free text, validate, ask only for what is missing or wrong."""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.context import TurnContext
from agent.domain import Brief
from agent.graph.nodes.arc import present_arc
from agent.graph.nodes.common import handle_common, say
from agent.graph.replies import bad_fields, brief_summary, validation_message
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.store.models import Season


def intake(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Wait for the brief; on a valid one, save it and draft the arc."""
    text: str = interrupt({"stage": "brief"})
    ctx = runtime.context
    known = dict(state.get("brief_draft", {}))
    fields = ctx.app.brain.extract_brief(text, known)
    if fields == known:  # no brief information in it: maybe a question, "help", "start over"…
        interp = ctx.app.brain.interpret(text, "brief")
        handled = handle_common(ctx, dict(state), text, interp, "intake")
        if handled is not None:
            return handled
        if interp.intent not in (Intent.ANSWER, Intent.PROCEED):
            say(ctx, "Tell me about the season: brand, product, audience, how many episodes (8–12) and how long "
                     "(15–120 s). Anything you leave out I'll decide and tell you.")
            return Command(goto="intake")
    try:
        brief = Brief.model_validate(fields)
    except ValidationError as error:
        keep = {k: v for k, v in fields.items() if k not in bad_fields(error)}
        missing_only = all(item["type"] == "missing" for item in error.errors())
        lead = "Thanks! A few things before I can write the season:" if missing_only else (
            "I can't use part of that brief yet — nothing you told me is lost:")
        say(ctx, f"{lead}\n{validation_message(error)}\nReply with the corrected values and I'll carry on.")
        return Command(goto="intake", update={"brief_draft": keep})
    with ctx.app.store.session() as session:
        season = session.get(Season, state["season_id"])
        assert season is not None
        seasons.save_brief(session, season, brief)
    say(ctx, brief_summary(brief) + "\nWriting the arc…")
    present_arc(ctx, state["season_id"], brief)
    return Command(goto="arc", update={"brief_draft": brief.model_dump(mode="json"), "stage": "arc"})
