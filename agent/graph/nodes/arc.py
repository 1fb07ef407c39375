"""Arc stage: show the draft with its checks; revise one episode at a time; undo; proceed to casting."""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief
from agent.graph.nodes.cast import offer_cast
from agent.graph.nodes.common import ask_again, handle_common, say
from agent.graph.replies import arc_summary, revision_summary
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.store.models import Season


def arc_findings(ctx: TurnContext, arc: Arc, brief: Brief, season: Season, session) -> list[str]:  # type: ignore[no-untyped-def]
    """Persona Brief lint + arc validation, shown with the draft."""
    from agent.brain.lint import lint_arc, validate_arc

    bible = seasons.current_bible(session, season)
    findings = [f"banned word “{f.word}” in {f.where}" for f in lint_arc(arc, bible)]
    return findings + validate_arc(arc, brief)


def present_arc(ctx: TurnContext, season_id: int, brief: Brief) -> None:
    """Write (once) and show the arc for a saved brief."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        bible = seasons.current_bible(session, season)
    arc = ctx.app.brain.write_arc(brief, bible)
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        seasons.save_arc(session, season, arc)
        findings = arc_findings(ctx, arc, brief, season, session)
    say(ctx, arc_summary(arc, findings))


def arc_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Revise or accept the arc."""
    text: str = interrupt({"stage": "arc"})
    ctx = runtime.context
    interp = ctx.app.brain.interpret(text, "arc")
    handled = handle_common(ctx, dict(state), text, interp, "arc")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        arc = Arc.model_validate(season.arc)
        brief = Brief.model_validate(season.brief)
        bible = seasons.current_bible(session, season)
    history = list(state.get("arc_history", []))
    if interp.intent == Intent.PROCEED:
        offer_cast(ctx, season_id, brief, arc)
        return Command(goto="cast", update={"stage": "cast"})
    if interp.intent == Intent.REVISE and interp.episode:
        if not 1 <= interp.episode <= len(arc.episodes):
            say(ctx, f"This season has episodes 1–{len(arc.episodes)}; which one should change?")
            return Command(goto="arc")
        before = arc.episodes[interp.episode - 1]
        after = ctx.app.brain.revise_episode(arc, interp.episode, interp.note or text, bible)
        new_arc = arc.model_copy(update={"episodes": [after if e.number == after.number else e for e in arc.episodes]})
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            seasons.save_arc(session, season, new_arc)
            findings = arc_findings(ctx, new_arc, brief, season, session)
        checks = "" if not findings else "\nChecks: " + "; ".join(findings)
        say(ctx, revision_summary(before, after) + checks + "\nSay *looks good* when you're happy, or *undo*.")
        return Command(goto="arc", update={"arc_history": history + [arc.model_dump(mode="json")]})
    if interp.intent == Intent.UNDO:
        if not history:
            say(ctx, "Nothing to undo — this is the first draft.")
            return Command(goto="arc")
        previous = Arc.model_validate(history[-1])
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            seasons.save_arc(session, season, previous)
        say(ctx, "Undone — back to the previous version of the arc.")
        return Command(goto="arc", update={"arc_history": history[:-1]})
    return ask_again(ctx, "arc", "Say *looks good* to move on to casting, or name an episode to change.")
