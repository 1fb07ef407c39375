"""Casting: offer lead candidates from the persona pool (with portraits), lock the chosen lead.

The lead is picked by option number or by name among the offered personas (the pool can grow mid-casting:
"create persona …" or an uploaded portrait adds an option). Locking freezes portrait hash, seed and voice.
"""

from __future__ import annotations

from pathlib import Path

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from sqlalchemy.orm import Session

from agent.brain.castswap import swap_character
from agent.context import TurnContext
from agent.domain import Arc, Brief, LeadLock, SeasonStatus
from agent.graph.actions.cast import HANDLERS
from agent.graph.actions.dispatch import dispatch
from agent.graph.actions.reading import read_message
from agent.graph.actions.step import Step
from agent.graph.nodes.common import say
from agent.graph.nodes.pool import offer_line
from agent.graph.state import SeasonState, files_of
from agent.services import personas, seasons
from agent.services.render_inputs import share_lead
from agent.services.seasons import SeasonError
from agent.store.models import Persona, Season
from agent.understanding.actions import ChangeLead, PersonaPool

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
    lines.append(f"I recommend *1. {members[0].name}* — closest to the arc's lead as written; say *go ahead* to "
                 f"take them, or reply with *1*–*{len(members)}* (or a name) to lock your lead. You can also *list personas*, "
                 "*create persona Ada: …*, or upload a portrait.")
    say(ctx, "\n".join(lines))
    offer_choices(ctx, "Pick your lead:", [(f"{i}. {m.name}" + (" (recommended)" if i == 1 else ""), str(i))
                                          for i, m in enumerate(members, start=1)]
                  + [("List personas", "list personas"), ("Status", "status?")])
    return [m.id for m in members]


def offer_choices(ctx: TurnContext, text: str, choices: list[tuple[str, str]]) -> None:
    """Buttons for the choice just offered (Slack buttons, a terminal list); the first is the recommended one."""
    ctx.app.channel.offer_choices(ctx.thread, text, choices)


def lock_and_rename(ctx: TurnContext, session: Session, season: Season, persona: Persona) -> LeadLock:
    """Lock `persona` as the lead and put their name in the script everywhere the written lead's name was."""
    lock = seasons.lock_lead(session, season, persona, ctx.user_id)
    lock = share_lead(ctx.app.artifacts, lock)  # workers on other machines render the same face
    season.lead = lock.model_dump(mode="json")
    if season.arc:
        arc = Arc.model_validate(season.arc)
        lead = next((m for m in arc.cast if m.role == "lead"), None)
        if lead is not None and lead.name != lock.name:
            renamed, _old, _new = swap_character(arc, "lead", lock.name)
            seasons.save_arc(session, season, renamed, note=f"lead is {lock.name}", actor=ctx.user_id)
    return lock


def find_persona(session: Session, season: Season, ids: list[int], option: int | None,
                 name: str | None) -> Persona | None:
    """A persona by offered option number or by name (offered ones first, then the team's pool)."""
    offered = [p for p in (session.get(Persona, i) for i in ids) if p is not None]
    if option is not None and 1 <= option <= len(offered):
        return offered[option - 1]
    if name:
        for persona in [*offered, *personas.pool(session, season.team_id)]:
            if persona.name.lower() == name.lower() or persona.name.lower().split()[0] == name.lower():
                return persona
    return None


def change_lead(ctx: TurnContext, state: dict, action: ChangeLead) -> bool:
    """"actually go with Elena": re-lock the lead (until production starts) and rename them in the script."""
    season_id = state["season_id"]
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        persona = find_persona(session, season, list(state.get("cast_ids") or []), action.option, action.name)
        if persona is None:
            who = action.name or (f"option {action.option}" if action.option else "that")
            say(ctx, f"I can't find {who} among the candidates or the persona pool — say *list personas* to see "
                     "who is there, or *create persona Elena: …* first. The lead is unchanged.")
            return True
        previous = (season.lead or {}).get("name")
        try:
            lock = lock_and_rename(ctx, session, season, persona)
        except SeasonError as error:
            say(ctx, f"{error} (Production has started, so the lead stays {previous}.)")
            return True
    say(ctx, f":lock: *{lock.name}* is now the lead" + (f" instead of {previous}" if previous else "")
        + " — their name replaces the lead's everywhere in the script.")
    return True


def cast_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Lock the chosen lead (then show the look); every request of the message applied together."""
    text: str = interrupt({"stage": "cast"})
    step = Step(ctx=runtime.context, state=dict(state), stage="cast", text=text)
    actions = read_message(step.ctx, step.state, text, "cast")
    if files_of(step.ctx) and not any(a.kind == "persona_pool" for a in actions):  # a portrait: a new candidate
        actions = [PersonaPool(clause=text), *[a for a in actions if a.kind not in ("unclear", "passthrough")]]
    return dispatch(step, actions, HANDLERS)
