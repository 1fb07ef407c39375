"""Fixed readings: the exact commands the agent has always known, read before the classifier guesses.

"add @dana as approver", "quorum 2", "audit ep 3", "how are we doing?", "stop the weekly digest", "status?",
"diff v1 v2", "list personas", "never say 'cheap'", "start over", "undo", "2" at casting … are unambiguous; reading
them with the deterministic parsers (which also read their arguments later) keeps them exact whatever the classifier
says about a nearby phrasing. Each reading is still a typed action of the catalogue, so the graph decides from the
action, never from the regex. The parsers live with their use cases and are imported at call time (they pull in the
store and the renderers, which reading a clause does not need until one matches).
"""

from __future__ import annotations

import re

from agent.understanding.actions import (
    Action,
    Audit,
    ChangeApprovers,
    ChangeBible,
    ChooseOption,
    Continuity,
    Diff,
    Figures,
    Help,
    PersonaPool,
    Proceed,
    Question,
    Render,
    SetSchedule,
    ShowBible,
    StartOver,
    Status,
    Undo,
)

AUDIT = re.compile(r"^\s*audit\b|\baudit\s+(?:trail|log)\b|\bwho(?:'?s|\s+has)?\s+approved\b|\bshow\s+(?:me\s+)?(?:the\s+)?"
                   r"audit", re.IGNORECASE)
EPISODE = re.compile(r"\b(?:ep(?:isode)?\.?\s*)#?(\d{1,2})\b", re.IGNORECASE)
CANCEL_RENDERS = re.compile(r"\b(cancel|stop)\s+(the\s+)?(render(s|ing)?|batch)\b", re.IGNORECASE)
RENDER_AGAIN = re.compile(r"\b(render|re-?render)\s+(it\s+|them\s+|everything\s+|the\s+season\s+)?again\b|"
                          r"^\s*re-?render\b", re.IGNORECASE)
LEDGER_WORDS = ("continuity", "ledger", "open threads", "who knows what", "story threads")


def figures_reading(clause: str) -> Figures | None:
    """"how are we doing?", "show me the numbers", "stop the weekly digest" (agent.app.metrics's own words)."""
    from agent.app.metrics import DIGEST_OFF, DIGEST_ON, HOW_ARE_WE_DOING

    if DIGEST_OFF.search(clause):
        return Figures(clause=clause, digest="off")
    if DIGEST_ON.search(clause):
        return Figures(clause=clause, digest="on")
    return Figures(clause=clause) if HOW_ARE_WE_DOING.search(clause) else None


def render_reading(clause: str) -> Render | None:
    """"cancel the renders" / "render it again"."""
    if CANCEL_RENDERS.search(clause):
        return Render(clause=clause, what="cancel")
    return Render(clause=clause, what="again") if RENDER_AGAIN.search(clause) else None


def _off_script(clause: str) -> Action | None:
    """Bible, approvers, audit, figures, renders, history, continuity, the pool — any stage, in the old order."""
    from agent.app.approvers import is_rule_change
    from agent.brain.biblecmd import parse_bible_change
    from agent.graph.nodes.history import is_history_request
    from agent.services.personas import CREATE, DESCRIBE, LIST

    if (change := parse_bible_change(clause)) is not None:
        return ShowBible(clause=clause) if change.show else ChangeBible(clause=clause)
    if is_rule_change(clause):
        return ChangeApprovers(clause=clause)
    if AUDIT.search(clause):
        match = EPISODE.search(clause)
        return Audit(clause=clause, episode=int(match.group(1)) if match else None)
    if (figures := figures_reading(clause)) is not None:
        return figures
    if (render := render_reading(clause)) is not None:
        return render
    if is_history_request(clause):
        return Diff(clause=clause)
    if any(word in clause.lower() for word in LEDGER_WORDS) and len(clause.split()) <= 8:
        return Continuity(clause=clause)
    if LIST.search(clause) or DESCRIBE.match(clause) or CREATE.match(clause):
        return PersonaPool(clause=clause)
    return None


def fixed_reading(clause: str, stage: str, render_only: bool = False) -> Action | None:
    """The fixed reading of one clause at `stage`, or None to let the classifier read it."""
    if render_only:
        return render_reading(clause)
    from agent.brain.briefparse import labelled_values
    from agent.brain.faq import answer as faq_answer
    from agent.brain.router import route
    from agent.ports import Intent

    if (found := _off_script(clause)) is not None:
        return found
    routed = route(clause, stage)
    simple = {Intent.STATUS: Status, Intent.HELP: Help, Intent.WHO_APPROVES: ChangeApprovers,
              Intent.START_OVER: StartOver, Intent.UNDO: Undo}
    if routed.intent in simple:
        return simple[routed.intent](clause=clause)
    if routed.intent == Intent.SCHEDULE and stage == "review":
        return SetSchedule(clause=clause)
    if faq_answer(clause) and not labelled_values(clause) and routed.intent in (Intent.UNKNOWN, Intent.ANSWER):
        return Question(clause=clause)
    if routed.choice is not None:  # "2", "go with 2": a choice (the stages without one say why not)
        return ChooseOption(clause=clause, option=routed.choice)
    if routed.intent == Intent.PROCEED:
        return Proceed(clause=clause)
    return None
