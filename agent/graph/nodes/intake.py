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

from agent.brain.briefparse import is_deferral
from agent.context import TurnContext
from agent.domain import Brief
from agent.graph.actions.common import out_of_scope
from agent.graph.actions.dispatch import dispatch
from agent.graph.actions.reading import read_message
from agent.graph.actions.step import Result, Step, from_command
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
from agent.graph.state import SeasonState
from agent.services import seasons
from agent.store.models import Season
from agent.understanding.actions import Action, SetBrief
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
    """Wait for the brief; every request of the message goes through the catalogue, the brief through SetBrief."""
    text: str = interrupt({"stage": "brief"})
    step = Step(ctx=runtime.context, state=dict(state), stage="brief", text=text)
    actions = read_message(step.ctx, step.state, text, "brief")
    if all(a.kind in ("unclear", "passthrough") for a in actions):  # brief details the classifier missed
        known = dict(state.get("brief_draft", {}))
        if step.ctx.app.brain.extract_brief(text, known) != known:
            actions = [SetBrief(clause=text)]
    step.scratch["actions"] = actions
    return dispatch(step, actions, {**{kind: take_brief for kind in BRIEF_KINDS}, "out_of_scope": refuse})


BRIEF_KINDS = ("set_brief", "defer", "proceed", "unclear")


def refuse(step: Step, action: Action) -> Result:
    """Out of scope: alone, the intake answers it (the reason, then what the brief still needs); beside a brief,
    it is named as not done."""
    if any(a.kind in BRIEF_KINDS for a in step.scratch["actions"]):
        return out_of_scope(step, action)
    return take_brief(step, action)


def take_brief(step: Step, action: Action) -> Result:
    """The brief part of the message (all of it, once): the intake below, which says its own reply."""
    if step.scratch.get("brief_read"):
        return Result(note="(read with the brief)")
    step.scratch["brief_read"] = True
    return from_command(apply_brief(step.ctx, step.state, step.text, step.scratch["actions"]), note="read the brief")


def apply_brief(ctx: TurnContext, state: dict[str, Any], text: str, actions: list[Action]) -> Command:
    """Extract the brief from the message, validate, ask only for what is missing or wrong; a whole, valid brief
    is saved and its arc drafted."""
    known = dict(state.get("brief_draft", {}))
    asked = list(state.get("asked", [])) if known else []
    fields = ctx.app.brain.extract_brief(text, known)
    if notes := cap_fields(fields):
        say(ctx, "Note: " + "; ".join(notes) + ".")
    agreed = any(a.kind in ("proceed", "defer", "set_brief") for a in actions)
    defer_all = is_deferral(text) and bool(known)
    if fields == known and not defer_all and (not known or not agreed or missing_required(known)):
        missing = missing_required(known)
        reason = _why_not(actions, missing)
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
        ctx.app.channel.offer_choices(ctx.thread, "Before I write:", [
            ("You decide — use your defaults (recommended)", "you decide"), ("Status", "status?")])
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


def _why_not(actions: list[Action], missing: list[str]) -> str:
    """The reason a message at the brief stage changed nothing — never a bare "I'm not sure"."""
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
    """Offer the brief form (a Slack modal; the fields to fill in a terminal) prefilled with what was understood."""
    ctx.app.channel.offer_brief_form(ctx.thread, {k: v for k, v in prefill.items() if isinstance(v, str | int)})


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

