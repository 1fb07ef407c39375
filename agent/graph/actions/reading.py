"""Read a message at a stage: the MessageContext (stage, facts, recent history) and the understander's actions."""

from __future__ import annotations

from typing import Any

from agent.context import TurnContext
from agent.domain import Arc
from agent.store.models import Season
from agent.understanding.actions import Action
from agent.understanding.context import Exchange, MessageContext
from agent.understanding.understand import understand_with

FACT_FIELDS = ("brand", "product", "audience", "tone", "goal", "episode_count", "episode_length_s")


def message_context(ctx: TurnContext, state: dict[str, Any], stage: str) -> MessageContext:
    """What the understander may know: brief fields, the lead, character names and episode titles, history."""
    with ctx.app.store.session() as session:
        season = session.get(Season, state["season_id"])
        brief = dict((season.brief if season is not None else None) or state.get("brief_draft") or {})
        arc = Arc.model_validate(season.arc) if season is not None and season.arc else None
        lead = ((season.lead or {}).get("name") if season is not None else None)
    facts: dict[str, Any] = {k: brief[k] for k in FACT_FIELDS if brief.get(k) not in (None, "")}
    if lead:
        facts["lead"] = lead
    if arc is not None:
        facts["characters"] = {m.name: m.role for m in arc.cast}
        facts["episode_titles"] = [e.title for e in arc.episodes]
    history = [Exchange.model_validate(e) for e in state.get("history") or []]
    return MessageContext(stage=stage, episodes_in_arc=len(arc.episodes) if arc else None, history=history,
                          facts=facts)


def read_message(ctx: TurnContext, state: dict[str, Any], text: str, stage: str) -> list[Action]:
    """The typed actions `text` asks for at `stage` (Gemini when configured, else offline; never raises)."""
    context = message_context(ctx, state, stage)
    return understand_with(ctx.app.brain, text, stage, context.episodes_in_arc, context=context)
