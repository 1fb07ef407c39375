"""The Gemini understander: function calling over the action catalogue (agent/understanding/actions.py).

Each stage offers Gemini only the tools that stage accepts (STAGE_ACTIONS), the recent conversation (trimmed to
the last few turns) and the marketer's message; every function call comes back as a typed, validated action. The
deterministic guard surrounds the call: instruction-like text never reaches the model, calls to tools the stage
does not offer are dropped, brief numbers are re-read by the deterministic parser (a model may not quietly turn
"-3 episodes" into 3), and a failed or empty answer falls back to the offline understander, so the conversation
never stalls on the model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.router import looks_like_injection
from agent.understanding.actions import (
    CATALOGUE,
    NEVER_FROM_CHAT,
    STAGE_ACTIONS,
    Action,
    OutOfScope,
    SetBrief,
    Unclear,
)
from agent.understanding.brief import read_brief
from agent.understanding.understand import understand as offline_understand
from integrations.gemini.client import GeminiClient

log = logging.getLogger(__name__)
HISTORY_TURNS = 6
STAGE_HINTS = {
    "brief": "The marketer is telling you the brief (brand, product, audience, tone, episodes).",
    "arc": "The season arc is drafted; the marketer may revise episodes, swap characters, change the brief, "
           "undo, or accept it.",
    "cast": "Lead candidates are offered (numbered); the marketer picks one, asks you to pick, or changes their mind.",
    "look": "The brand look is previewed; the marketer tunes it or locks it, and may still change the lead.",
    "review": "Episodes are rendered and in review; the marketer may schedule them or ask for changes.",
}
_CLAUSE = {"type": "string", "description": "the words of the message this call comes from"}
_INT = {"type": "integer"}
_STR = {"type": "string"}
PARAMETERS: dict[str, dict[str, Any]] = {
    "set_brief": {"brand": _STR, "product": _STR, "audience": _STR, "tone": _STR, "goal": _STR,
                  "episode_count": {"type": "number"}, "episode_length_s": {"type": "number"},
                  "cadence": {"type": "string", "description": "the cadence as said, e.g. 'Tue/Fri at 6pm London'"}},
    "revise_episodes": {"episodes": {"type": "array", "items": _INT}, "note": _STR},
    "swap_character": {"role": _STR, "new_name": _STR},
    "change_lead": {"option": _INT, "name": _STR},
    "choose_option": {"option": _INT, "name": _STR},
    "out_of_scope": {"reason": _STR},
}


def tool_declarations(stage: str) -> list[dict[str, Any]]:
    """The stage's tools as function declarations (OpenAI-style dicts, which langchain hands to Gemini)."""
    tools = []
    for kind in STAGE_ACTIONS.get(stage, STAGE_ACTIONS["arc"]):
        if kind == "passthrough":
            continue
        model = CATALOGUE[kind]
        properties = {"clause": _CLAUSE, **PARAMETERS.get(kind, {})}
        tools.append({"type": "function", "function": {
            "name": kind, "description": (model.__doc__ or kind).strip().splitlines()[0],
            "parameters": {"type": "object", "properties": properties, "required": ["clause"]}}})
    return tools


def to_action(name: str, args: dict[str, Any], stage: str) -> Action:
    """One function call → a validated action, through the guard (unknown or off-stage tools become Unclear)."""
    clause = str(args.get("clause") or "")
    if name not in STAGE_ACTIONS.get(stage, ()) or name not in CATALOGUE:
        return Unclear(clause=clause, guess=name)
    if name == "set_brief":
        said = {k: v for k, v in args.items() if k not in ("clause", "cadence") and v not in (None, "")}
        exact = read_brief(clause or " ".join(str(v) for v in said.values()), {}, prose=False)
        if args.get("cadence"):
            exact.update({k: v for k, v in read_brief(str(args["cadence"]), {}, prose=False).items()
                          if k == "cadence"})
        for field in ("episode_count", "episode_length_s"):
            if field in said and field not in exact:
                exact[field] = said[field]
        return SetBrief(clause=clause, fields={**said, **exact})
    try:
        return CATALOGUE[name].model_validate({**args, "kind": name, "clause": clause})
    except ValueError:
        return Unclear(clause=clause, guess=name)


class GeminiUnderstander:
    """Message → actions through Gemini function calling, guarded, with the offline understander as fallback."""

    def __init__(self, client: GeminiClient) -> None:
        """Use the brain's client (same key, retries and prompts)."""
        self.client = client

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   history: Sequence[tuple[str, str]] = ()) -> list[Action]:
        """The actions the message asks for; history is (role, text) pairs, trimmed to the last few turns."""
        if looks_like_injection(text):
            return [OutOfScope(clause=text, reason=NEVER_FROM_CHAT)]
        system = self.client.prompts.render("understand", stage=stage, stage_hint=STAGE_HINTS.get(stage, ""))
        messages: list[BaseMessage] = [SystemMessage(content=system)]
        for role, said in list(history)[-HISTORY_TURNS:]:
            messages.append(HumanMessage(content=said) if role == "user" else AIMessage(content=said))
        messages.append(HumanMessage(content=text))
        runnable = self.client.llm.bind_tools(tool_declarations(stage))
        try:
            reply = self.client._invoke(runnable, messages)
        except KeyRejectedError:
            raise
        except BrainError as error:
            log.warning("Gemini could not read the message (%s); using the offline understander", error)
            return offline_understand(text, stage, episodes_in_arc)
        calls = list(getattr(reply, "tool_calls", None) or [])
        if not calls:
            return offline_understand(text, stage, episodes_in_arc)
        return [to_action(call["name"], dict(call.get("args") or {}), stage) for call in calls]
