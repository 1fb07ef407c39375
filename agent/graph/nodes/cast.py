"""Casting: offer lead candidates from the persona pool (with portraits), lock the chosen lead.

The lead is picked by option number or by name among the offered personas (the pool can grow mid-casting:
"create persona …" or an uploaded portrait adds an option). Locking freezes portrait hash, seed and voice.
"""

from __future__ import annotations

import re
from pathlib import Path

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief, LookSpec, SeasonStatus
from agent.graph.nodes.common import ask_again, say
from agent.graph.nodes.look import show_look
from agent.graph.nodes.pool import offer_line
from agent.graph.routing import off_script
from agent.graph.state import SeasonState
from agent.services import personas, seasons
from agent.services.render_inputs import share_lead
from agent.services.seasons import SeasonError
from agent.store.models import Persona, Season

stable_seed = personas.stable_seed  # kept importable from here for older callers


def offer_cast(ctx: TurnContext, season_id: int, brief: Brief, arc: Arc) -> list[int]:
    """Create (or reuse) pool personas for the brain's suggestions and show them; returns the offered ids."""
    drafts = ctx.app.brain.propose_cast(brief, arc)
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        season.status = SeasonStatus.CASTING
        members = [personas.view(personas.create(session, ctx.app, season.team_id, d.name, d.description, d.voice))
                   for d in drafts[:3]]
    lines = ["*Casting the lead* — the lead is locked and reused identically in every episode:"]
    for index, member in enumerate(members, start=1):
        lines.append(offer_line(member, index))
        ctx.app.channel.upload(ctx.thread, Path(member.portrait_path), title=f"{index}. {member.name}")
    lines.append(f"Reply with *1*–*{len(members)}* (or a name) to lock your lead. You can also *list personas*, "
                 "*create persona Ada: …*, or upload a portrait.")
    say(ctx, "\n".join(lines))
    return [m.id for m in members]


def _chosen(text: str, choice: int | None, offered: list[Persona]) -> Persona | None:
    """The persona picked by number or by (first) name among the offered ones."""
    if choice is not None and 1 <= choice <= len(offered):
        return offered[choice - 1]
    lowered = text.lower()
    named = [p for p in offered if re.search(rf"\b{re.escape(p.name.lower())}\b", lowered)]
    return named[0] if len(named) == 1 else None


def cast_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Lock the chosen lead, then show the look."""
    text: str = interrupt({"stage": "cast"})
    ctx = runtime.context
    interp = ctx.app.brain.interpret(text, "cast")
    handled = off_script(ctx, dict(state), text, interp, "cast")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        ids = list(state.get("cast_ids") or [])
        offered = [p for p in (session.get(Persona, i) for i in ids) if p is not None]
        if not offered:  # conversations from before the offer was kept in state
            offered = personas.pool(session, season.team_id)[-3:]
        persona = _chosen(text, interp.choice, offered)
        if persona is None:
            return ask_again(ctx, "cast", f"Reply with a number from 1 to {len(offered)} (or a name) to pick the lead.")
        try:
            lock = seasons.lock_lead(session, season, persona, ctx.user_id)
        except SeasonError as error:
            say(ctx, str(error))
            return Command(goto="cast")
        lock = share_lead(ctx.app.artifacts, lock)  # workers on other machines render the same face
        season.lead = lock.model_dump(mode="json")
        season.status = SeasonStatus.LOOK
        brand = (season.brief or {}).get("brand", "")
    say(ctx, f":lock: *{lock.name}* is locked as the lead (portrait {lock.portrait_hash[:10]}…, seed {lock.seed}, "
             f"voice {lock.voice}). Supporting cast may vary; the lead never does.")
    look = LookSpec(logo_text=brand[:18] or None)
    show_look(ctx, season_id, look)
    return Command(goto="look", update={"stage": "look", "look_draft": look.model_dump(mode="json")})
