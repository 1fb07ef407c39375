"""Casting: offer lead candidates from the persona pool (with portraits), lock the chosen lead."""

from __future__ import annotations

import hashlib

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief, LookSpec, SeasonStatus
from agent.graph.nodes.common import ask_again, handle_common, say
from agent.graph.nodes.look import show_look
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.store.models import Persona, Season


def stable_seed(text: str) -> int:
    """A seed derived from a name, so the same persona always gets the same portrait."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def offer_cast(ctx: TurnContext, season_id: int, brief: Brief, arc: Arc) -> list[int]:
    """Create (or reuse) pool personas for the brain's suggestions and show them."""
    drafts = ctx.app.brain.propose_cast(brief, arc)
    portraits_dir = ctx.app.settings.artifacts_dir / "portraits"
    ids: list[int] = []
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        season.status = SeasonStatus.CASTING
        for draft in drafts[:3]:
            persona = session.query(Persona).filter_by(team_id=season.team_id, name=draft.name).first()
            if persona is None:
                seed = stable_seed(f"{season.team_id}:{draft.name}")
                path = ctx.app.make_portrait(draft.name, seed, portraits_dir / f"{seed}.png")
                from tools.portrait import image_hash

                persona = Persona(team_id=season.team_id, name=draft.name, description=draft.description,
                                  portrait_path=str(path), portrait_hash=image_hash(path), seed=seed,
                                  voice=draft.voice)
                session.add(persona)
                session.flush()
            ids.append(persona.id)
        rows = [(p.id, p.name, p.description, p.portrait_path) for p in (session.get(Persona, i) for i in ids) if p]
    lines = ["*Casting the lead* — the lead is locked and reused identically in every episode:"]
    for index, (_pid, name, description, path) in enumerate(rows, start=1):
        lines.append(f"*{index}. {name}* — {description}")
        from pathlib import Path

        ctx.app.channel.upload(ctx.thread, Path(path), title=f"{index}. {name}")
    lines.append("Reply with *1*, *2* or *3* to lock your lead.")
    say(ctx, "\n".join(lines))
    return ids


def cast_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Lock the chosen lead, then show the look."""
    text: str = interrupt({"stage": "cast"})
    ctx = runtime.context
    interp = ctx.app.brain.interpret(text, "cast")
    handled = handle_common(ctx, dict(state), text, interp, "cast")
    if handled is not None:
        return handled
    season_id = state["season_id"]
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        offered = [p for p in session.query(Persona).filter_by(team_id=season.team_id).order_by(Persona.id)]
        offered = offered[-3:] if len(offered) > 3 else offered
        if interp.choice is None or not 1 <= interp.choice <= len(offered):
            if interp.intent in (Intent.PROCEED, Intent.ANSWER, Intent.UNKNOWN):
                return ask_again(ctx, "cast", f"Reply with a number from 1 to {len(offered)} to pick the lead.")
            return ask_again(ctx, "cast", "Pick the lead by number.")
        persona = offered[interp.choice - 1]
        lock = seasons.lock_lead(session, season, persona, ctx.user_id)
        season.status = SeasonStatus.LOOK
        brand = (season.brief or {}).get("brand", "")
    say(ctx, f":lock: *{lock.name}* is locked as the lead (portrait {lock.portrait_hash[:10]}…, seed {lock.seed}).")
    look = LookSpec(logo_text=brand[:18] or None)
    show_look(ctx, season_id, look)
    return Command(goto="look", update={"stage": "look", "look_draft": look.model_dump(mode="json")})
