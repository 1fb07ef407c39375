"""Review stage: change-request notes become targeted revisions and re-renders; 'schedule …' books the slots.

Approvals never pass through here — reactions and buttons go to agent.services.review, which records them in the
database. This node only reads that state.
"""

from __future__ import annotations

import re

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief, Cadence
from agent.graph.nodes.common import ask_again, handle_common, say
from agent.graph.replies import revision_summary
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.services.production import plan_renders
from agent.services.review import open_change_requests
from agent.store.models import Season, utcnow

EPISODE_REF = re.compile(r"\b(?:ep(?:isode)?\.?\s*)(\d{1,2})\b", re.I)


def revise_for_note(ctx: TurnContext, season_id: int, number: int, note: str) -> None:
    """Rewrite one episode following a reviewer's note, resolve its change requests, queue a re-render."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        arc = Arc.model_validate(season.arc)
        bible = seasons.current_bible(session, season)
    before = arc.episodes[number - 1]
    after = ctx.app.brain.revise_episode(arc, number, note, bible)
    new_arc = arc.model_copy(update={"episodes": [after if e.number == number else e for e in arc.episodes]})
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        seasons.save_arc(session, season, new_arc)
        for request, episode in open_change_requests(session, season):
            if episode.number == number:
                request.resolved_at = utcnow()
                request.note = request.note or note
        seasons.audit(session, season_id, ctx.user_id, "episode.revised", {"episode": number, "note": note})
    render_ids = plan_renders(ctx.app.store, season_id, [number])
    eta = max(10, int(after.estimated_duration_s * 0.6))
    say(ctx, revision_summary(before, after) + f"\nRe-rendering Ep {number} now (about {eta} s); the new version "
             "will be posted here and needs a fresh approval.")
    for render_id in render_ids:
        ctx.app.enqueue_render(render_id)


def schedule_from_text(ctx: TurnContext, season_id: int, text: str) -> None:
    """Book release slots for the approved season on the cadence the marketer asked for."""
    from tools.calendar import describe
    from tools.publish import ScheduleError, schedule_season

    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        brief = Brief.model_validate(season.brief)
    parsed = ctx.app.brain.extract_brief(text, {"cadence": brief.cadence.model_dump(mode="json")})
    cadence = Cadence.model_validate(parsed.get("cadence") or brief.cadence.model_dump(mode="json"))
    try:
        slots = schedule_season(ctx.app.store, season_id, cadence, platforms=tuple(ctx.app.publishers) or ("outbox",))
    except ScheduleError as error:
        say(ctx, f"I can't schedule yet: {error}")
        return
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        season.cadence = cadence.model_dump(mode="json")
    first = min(slot.publish_at for slot in slots)
    say(ctx, f":calendar: Scheduled {len({s.episode_id for s in slots})} episodes {describe(cadence)} — first drop "
             f"{first:%a %d %b %H:%M} UTC. Each one publishes only if its approval is still on record.")


def review_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Handle notes, schedule requests and questions while episodes are in review."""
    text: str = interrupt({"stage": "review"})
    ctx = runtime.context
    interp = ctx.app.brain.interpret(text, "review")
    handled = handle_common(ctx, dict(state), text, interp, "review")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    if interp.intent == Intent.SCHEDULE:
        schedule_from_text(ctx, season_id, text)
        return Command(goto="review")
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        pending = [(episode.number, request.user_id) for request, episode in open_change_requests(session, season)]
        total = len(season.episodes)
    mentioned = interp.episode or (int(m.group(1)) if (m := EPISODE_REF.search(text)) else None)
    number = mentioned if mentioned else (pending[0][0] if len(pending) == 1 else None)
    if number is not None and (pending or interp.intent == Intent.REVISE) and 1 <= number <= total:
        revise_for_note(ctx, season_id, number, interp.note or text)
        return Command(goto="review")
    if pending:
        episodes = ", ".join(f"Ep {n}" for n, _ in pending)
        return ask_again(ctx, "review", f"Changes are requested on {episodes} — which episode is this note for?")
    return ask_again(ctx, "review", "Approve episodes with :+1: on their cards, ask for changes with :-1: and a "
                                    "note, or say *schedule daily at 6pm*.")
