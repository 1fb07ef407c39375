"""Apply every action of one message at one stage, in a safe order, and answer once.

Order: brief changes first (they rewrite the arc), then edits of the thing on screen (revisions, swaps, look
changes) — saved together as one version with one undo point by the stage's `finish` — then everything else, and
moves to another stage last (so "make ep 3 darker and looks good" never moves on before the change is made). Once a
request has moved the conversation, the requests after it are named as not done, with the reason.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import Command

from agent.graph.actions.common import HANDLERS
from agent.graph.actions.reply import compose, not_here, offer_next
from agent.graph.actions.step import Finish, Handler, Result, Step
from agent.graph.nodes.common import say
from agent.understanding.actions import STAGE_ACTIONS, Action
from agent.understanding.context import remember

EDITS = ("revise_episodes", "swap_character", "look_change")
MOVES = ("proceed", "defer", "choose_option", "change_lead", "start_over")


def phase(action: Action) -> int:
    """Where an action goes in the order of application."""
    if action.kind == "set_brief":
        return 0
    if action.kind in EDITS:
        return 1
    return 3 if action.kind in MOVES else 2


def handler_for(step: Step, action: Action, handlers: dict[str, Handler]) -> Handler:
    """The stage's own handler, else the shared one; a kind the stage does not take gets its reason."""
    if action.kind in handlers:
        return handlers[action.kind]
    if action.kind in HANDLERS and (action.kind in STAGE_ACTIONS.get(step.stage, ()) or action.kind in (
            "unclear", "passthrough")):
        return HANDLERS[action.kind]
    return not_here


def apply_all(step: Step, actions: list[Action], handlers: dict[str, Handler], finish: Finish | None = None
              ) -> tuple[list[tuple[Action, Result]], str | None, dict[str, Any]]:
    """Run the handlers; (results in message order, where to go, state update)."""
    results: dict[int, Result] = {}
    goto: str | None = None
    update: dict[str, Any] = {}
    finished: Result | None = None
    ordered = sorted(enumerate(actions), key=lambda pair: (phase(pair[1]), pair[0]))
    for index, action in ordered:
        if finish is not None and finished is None and phase(action) >= 2:
            finished = finish(step) or Result()
            step.state.update(finished.update)
        if goto is not None:
            results[index] = Result(refused="not done — the conversation moved on first; say it again if you "
                                            "still want it")
            continue
        result = handler_for(step, action, handlers)(step, action)
        if result.empty:
            result = Result(refused="I couldn't tell what you meant")
        update.update(result.update)
        step.state.update(result.update)
        if result.goto and result.goto != step.node:
            goto = result.goto
        results[index] = result
    pairs = [(actions[i], results[i]) for i in sorted(results)]
    if finish is not None and finished is None:
        finished = finish(step)
    if finished is not None:
        update.update(finished.update)
        if not finished.empty:
            pairs.append((Action(kind="finish"), finished))
    return pairs, goto, update


def dispatch(step: Step, actions: list[Action], handlers: dict[str, Handler], finish: Finish | None = None
             ) -> Command:
    """Apply the message's actions, post the one reply, remember the exchange; the Command for the graph."""
    if not actions:
        actions = [Action(kind="unclear", clause=step.text)]
    step.scratch.setdefault("actions", actions)
    pairs, goto, update = apply_all(step, actions, handlers, finish)
    text = compose(step, pairs)
    if text:
        say(step.ctx, text)
    if any(r.refused for _a, r in pairs) and goto is None:
        offer_next(step)
    summary = text or "; ".join(r.note for _a, r in pairs if r.note)
    update["history"] = exchange(step.state, step.text, summary)
    return Command(goto=goto or step.node, update=update)


def exchange(state: dict[str, Any], said: str, answered: str) -> list[dict[str, Any]]:
    """The thread's history with this message and the gist of the reply (capped; agent.understanding.context)."""
    history = remember(list(state.get("history") or []), "marketer", said)
    return remember(history, "agent", answered or "(no reply)")


def finish_command(step: Step, command: Command, answered: str = "") -> Command:
    """A Command from a stage function that answered on its own, with the exchange remembered."""
    update = dict(command.update or {}) if isinstance(command.update, dict) else {}
    update["history"] = exchange(step.state, step.text, answered)
    return Command(goto=command.goto, update=update)
