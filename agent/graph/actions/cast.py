"""Casting-stage handlers: choose an offered lead (number or name), agree to the recommended one ("go ahead",
"you pick"), change the lead by name (the persona pool counts too), swap a supporting character in the script."""

from __future__ import annotations

import re

from agent.domain import LookSpec, SeasonStatus
from agent.graph.actions.step import Handler, Result, Step
from agent.services import personas
from agent.services.seasons import SeasonError
from agent.store.models import Persona, Season
from agent.understanding.actions import Action, ChangeLead, ChooseOption


def _offered(session, step: Step, season: Season) -> list[Persona]:  # type: ignore[no-untyped-def]
    ids = list(step.state.get("cast_ids") or [])
    offered = [p for p in (session.get(Persona, i) for i in ids) if p is not None]
    return offered or personas.pool(session, season.team_id)[-3:]  # conversations from before ids were kept


ORDINAL = re.compile(r"\b(?:(?P<n>[1-9])(?:st|nd|rd|th)?|(?P<w>first|second|third|fourth|fifth|one|two|three|four|"
                     r"five))\b", re.IGNORECASE)
THE_NTH_ONE = re.compile(r"\b([1-9](?:st|nd|rd|th)|first|second|third|fourth|fifth)\s+one\b", re.IGNORECASE)
WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "one": 1, "two": 2, "three": 3, "four": 4,
         "five": 5}


def option_in(clause: str) -> int | None:
    """"go w/ 2", "lets do the 3rd one", "number two pls": the one option number a short clause names."""
    if len(clause.split()) > 8:
        return None
    clause = THE_NTH_ONE.sub(r"\1", clause)  # "the 3rd one" names 3, not 3 and 1
    found = {int(m["n"]) if m["n"] else WORDS[m["w"].lower()] for m in ORDINAL.finditer(clause)}
    return found.pop() if len(found) == 1 else None


def _pick(session, step: Step, season: Season, action: Action) -> Persona | None:  # type: ignore[no-untyped-def]
    """The persona an action names: option number, name among the offered, name in the pool; agreement → 1."""
    from agent.graph.nodes.cast import find_persona

    offered = _offered(session, step, season)
    option = action.option if isinstance(action, ChooseOption | ChangeLead) else None
    name = action.name if isinstance(action, ChooseOption | ChangeLead) else None
    if option is None and not name:
        option = option_in(action.clause)
    if option is not None and 1 <= option <= len(offered):
        return offered[option - 1]
    lowered = action.clause.lower()  # "go with Bea" names someone: that one, not my pick
    named = [p for p in offered if re.search(rf"\b{re.escape(p.name.lower().split()[0])}\b", lowered)]
    if len(named) == 1:
        return named[0]
    if name and (found := find_persona(session, season, [p.id for p in offered], None, name)) is not None:
        return found
    return offered[0] if offered and action.kind in ("proceed", "defer") else None


def choose(step: Step, action: Action) -> Result:
    """Lock the chosen lead (renamed in the script everywhere), then show the look."""
    from agent.graph.nodes.cast import lock_and_rename
    from agent.graph.nodes.look import show_look

    ctx = step.ctx
    with ctx.app.store.session() as session:
        season = session.get_one(Season, step.season_id)
        persona = _pick(session, step, season, action)
        count = len(_offered(session, step, season))
        if persona is None:
            return Result(refused=f"I couldn't tell which candidate you mean — reply with 1–{count} or a name, or "
                                  "say *go ahead* for my pick (option 1)")
        try:
            lock = lock_and_rename(ctx, session, season, persona)
        except SeasonError as error:
            return Result(refused=str(error))
        season.status = SeasonStatus.LOOK
        brand = (season.brief or {}).get("brand", "")
    picked = " (my pick)" if action.kind in ("proceed", "defer") else ""
    from agent.graph.nodes.common import say

    say(ctx, f":lock: *{lock.name}*{picked} is locked as the lead (portrait {lock.portrait_hash[:10]}…, seed "
             f"{lock.seed}, voice {lock.voice}). Supporting cast may vary; the lead never does.")
    look = LookSpec(logo_text=brand[:18] or None)
    show_look(ctx, step.season_id, look)
    return Result(said=True, note=f"locked {lock.name} as the lead", goto="look",
                  update={"stage": "look", "look_draft": look.model_dump(mode="json")})


def swap(step: Step, action: Action) -> Result:
    """A supporting character swapped in the script while casting (saved as a new arc version)."""
    from agent.graph.actions import arc as arc_actions

    result = arc_actions.swap(step, action)
    if result.refused:
        return result
    saved = arc_actions.finish(step)
    if saved is not None:
        result.line += "\n" + saved.line.split("\n")[0]
        result.update.update(saved.update)
    return result


HANDLERS: dict[str, Handler] = {"choose_option": choose, "change_lead": choose, "proceed": choose, "defer": choose,
                                "swap_character": swap}
