"""Brief intake: extract the brief from free text, validate, ask only for what is missing or wrong.

Brand and product are required; every other field has a default. Optional fields the marketer left out are asked
about once, together with the default for each; "you decide" (or simply not answering) takes the defaults, and
the brief recap says what was decided. A value out of range is explained with a suggestion and the good values
are kept ("nothing you told me is lost").
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError

from agent.brain.biblecmd import parse_bible_change
from agent.brain.briefparse import is_deferral, labelled_values
from agent.brain.faq import answer as faq_answer
from agent.brain.router import route
from agent.context import TurnContext
from agent.domain import Brief
from agent.graph.nodes.briefing import (
    OPTIONAL,
    QUESTIONS,
    brief_problems,
    defaults_text,
    label,
    missing_required,
    open_fields,
)
from agent.graph.nodes.common import say
from agent.graph.nodes.drafts import present_arc
from agent.graph.replies import bad_fields, brief_summary, validation_message
from agent.graph.routing import handle_bible, off_script
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.store.models import Season
from agent.understanding.brief import cap_fields

WELCOME = ("Tell me about the season: brand, product, audience, how many episodes (8–12) and how long (15–120 s). "
           "Anything you leave out I'll decide and tell you.")


WRITE_AFTER = 3  # optional fields stated in the brief after which I write at once (and say what I decided)
EXAMPLE = ("For example: _We're Lumen Coffee and we make a cold-brew can for night-shift nurses — 8 episodes of "
           "40 seconds, cosy romance._ Or use the brief form.")


def _still_open(fields: dict[str, Any], asked: list[str]) -> str:
    """The once-only list of optional fields left to us, with their defaults."""
    fresh = [f for f in open_fields(fields) if f not in asked]
    if not fresh:
        return ""
    return f"\nEverything else I'll decide unless you tell me — {defaults_text(fresh)}."


def intake(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Wait for the brief; on a complete, valid one, save it and draft the arc."""
    text: str = interrupt({"stage": "brief"})
    ctx = runtime.context
    known = dict(state.get("brief_draft", {}))
    asked = list(state.get("asked", [])) if known else []
    if (reply := faq_answer(text)) and not labelled_values(text) and \
            route(text, "brief").intent in (Intent.UNKNOWN, Intent.ANSWER):  # "what is Drama Center?" is no brief
        say(ctx, reply)
        return Command(goto="intake")
    bible_only = parse_bible_change(text) is not None and handle_bible(ctx, state["season_id"], text)
    fields = ctx.app.brain.extract_brief(text, known)
    if notes := cap_fields(fields):
        say(ctx, "Note: " + "; ".join(notes) + ".")
    defer_all = is_deferral(text) and bool(known)
    if fields == known and not defer_all:
        if bible_only:
            return Command(goto="intake")
        interp = ctx.app.brain.interpret(text, "brief")
        handled = off_script(ctx, dict(state), text, interp, "intake")
        if handled is not None:
            return handled
        if not known or interp.intent not in (Intent.ANSWER, Intent.PROCEED) or missing_required(known):
            missing = missing_required(known)
            reason = _why_not(text, known, missing)
            return _say_once(ctx, state, "welcome" if not known else _ask_key(missing),
                             WELCOME if not known else reason + (
                                 " " + " ".join(QUESTIONS[f] for f in missing) if missing
                                 else " Say *you decide* to use my defaults.") + " (Say *help* for the steps.)")
    missing = missing_required(fields)
    try:  # placeholders for the missing required fields, so every other value is checked now
        brief = Brief.model_validate({**fields, **{f: "?" for f in missing}})
    except ValidationError as error:
        bad = bad_fields(error)  # a refused correction keeps the value it tried to replace
        keep = {k: v for k, v in fields.items() if k not in bad} | {k: known[k] for k in bad if k in known}
        return _ask(ctx, fields, keep, asked, error, missing)
    if missing:
        return _ask(ctx, fields, fields, asked, None, missing, repeated=state.get("last_ask") == _ask_key(missing))
    problems = brief_problems(brief)
    if problems:
        lines = "\n".join(f"• *{label(f)}*: {reason}" for f, reason in problems.items())
        say(ctx, f"I can't use part of that brief yet — nothing you told me is lost:\n{lines}\n"
                 "Reply with the corrected values and I'll carry on.")
        return Command(goto="intake", update={"brief_draft": {k: v for k, v in fields.items() if k not in problems},
                                              "asked": asked})
    fresh = [f for f in open_fields(fields) if f not in asked]
    stated = len(OPTIONAL) - len(open_fields(fields))
    if fresh and not defer_all and stated < WRITE_AFTER:  # a real brief goes straight to an arc
        say(ctx, f"Got it — {brief.brand}, {brief.product}. Before I write, anything to add? "
                 f"{defaults_text(fresh)}.\nAnswer any of these, or say *you decide* and I'll go with my defaults.")
        return Command(goto="intake", update={"brief_draft": fields, "asked": asked + fresh})
    decided = open_fields(fields)
    with ctx.app.store.session() as session:
        season = session.get(Season, state["season_id"])
        assert season is not None
        seasons.save_brief(session, season, brief)
    note = f"\nI decided: {defaults_text(decided)} — tell me to change any of it." if decided else ""
    say(ctx, brief_summary(brief) + note + "\nWriting the arc…")
    present_arc(ctx, state["season_id"], brief)
    return Command(goto="arc", update={"brief_draft": brief.model_dump(mode="json"), "stage": "arc",
                                       "arc_history": [], "asked": asked})


def _ask_key(missing: list[str]) -> str:
    return "missing:" + ",".join(missing)


def _why_not(text: str, known: dict[str, Any], missing: list[str]) -> str:
    """The reason a message at the brief stage changed nothing — never a bare "I'm not sure"."""
    from agent.understanding.understand import understand

    actions = understand(text, "brief")
    out = next((a for a in actions if a.kind == "out_of_scope"), None)
    if out is not None:
        return f"I can't do that: {getattr(out, 'reason', '')}."
    if any(a.kind in ("proceed", "defer") for a in actions) and missing:
        things = " and the ".join(missing)
        return f"I can't start writing yet: the {things} {'is the one thing' if len(missing) == 1 else 'are things'} " \
               "I can't decide for you."
    return "I couldn't find any brief details in that."


def _say_once(ctx: TurnContext, state: SeasonState, key: str, text: str) -> Command:
    """Ask; if the very same question was the last thing asked, add an example answer and the brief form."""
    if state.get("last_ask") == key:
        text += f"\n{EXAMPLE}"
        offer_brief_form(ctx, dict(state.get("brief_draft", {})))
    say(ctx, text)
    return Command(goto="intake", update={"last_ask": key})


def offer_brief_form(ctx: TurnContext, prefill: dict[str, Any]) -> None:
    """Offer the brief form (a modal in Slack) prefilled with what was understood; channels without forms skip it."""
    offer = getattr(ctx.app.channel, "offer_brief_form", None)
    if callable(offer):
        offer(ctx.thread, {k: v for k, v in prefill.items() if isinstance(v, str | int)})


def _ask(ctx: TurnContext, fields: dict[str, Any], keep: dict[str, Any], asked: list[str],
         error: ValidationError | None, missing: list[str], repeated: bool = False) -> Command:
    """Say what is wrong (with reasons) and what is missing (only that), plus the open fields once."""
    parts: list[str] = []
    if error is not None:
        parts.append("I can't use part of that brief yet — nothing you told me is lost:")
        parts.append(validation_message(error))
    else:
        parts.append("Thanks! Before I can write the season I need:")
    for field in missing:
        deferred = " (that's the one thing I can't decide for you)" if field in ("brand", "product") else ""
        parts.append(f"• {QUESTIONS[field]}{deferred}")
    parts.append("Reply with " + ("the corrected values" if error is not None else "that") + " and I'll carry on."
                 + _still_open(fields, asked))
    if repeated:
        parts.append(EXAMPLE)
        offer_brief_form(ctx, keep)
    say(ctx, "\n".join(parts))
    return Command(goto="intake", update={"brief_draft": keep, "last_ask": _ask_key(missing) if error is None else "",
                                          "asked": list(dict.fromkeys(asked + open_fields(fields)))})

