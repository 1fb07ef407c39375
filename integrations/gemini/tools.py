"""The Gemini agent's tools: the action catalogue as typed tools, two read-only tools, and the guard around every call.

Action tools are built from the catalogue's pydantic models (agent/understanding/actions.py): their arguments are
those models' fields, validated by LangGraph's ToolNode before the tool runs, and the tool turns them into the
catalogue's typed action. The action is *collected*, not applied: the tool answers the model "recorded: …" and
hands the action over as the ToolMessage's artifact; the conversation graph applies everything a message asked for
together. Read-only tools (`season_facts`, `stage_options`) let the model look before it acts.

`guard_tool_call` wraps every call (ToolNode's `wrap_tool_call`): approving or publishing is refused with its
reason, a tool the stage does not offer is refused and answered as not understood, instruction-like clauses are
refused, and invalid arguments are refused with the validation error so the model can call again. Brief numbers are
re-read from the marketer's words by the deterministic parser: a model may not quietly turn "-3 episodes" into 3.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from langchain_core.messages import BaseMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, tool
from langgraph.prebuilt import InjectedState
from langgraph.prebuilt.tool_node import ToolCallRequest
from pydantic import BaseModel, Field, create_model

from agent.brain.router import looks_like_injection
from agent.understanding.actions import (
    CATALOGUE,
    NEVER_FROM_CHAT,
    OUT_OF_SCOPE_REASON,
    STAGE_ACTIONS,
    Action,
    OutOfScope,
    SetBrief,
    Unclear,
)
from agent.understanding.brief import read_brief
from agent.understanding.numbers import parse_number

READ_ONLY = ("season_facts", "stage_options")
NOT_TOOLS = ("passthrough",)  # the stage's own handler reads these; a model never chooses them
HUMAN_VOTES = re.compile(r"^(?:approve|publish|post|release|reject|vote)", re.IGNORECASE)
FACTS_CHARS = 4000  # a read-only answer is capped: it goes back into the model's context
CLAUSE = "the words of the marketer's message this call comes from"


@dataclass(frozen=True)
class Outcome:
    """What one tool call left for the reply (the ToolMessage's artifact; the model never sees it)."""

    action: Action
    retryable: bool = False  # refused for invalid arguments: answered as not understood unless the model retries


class ToolArgs(BaseModel):
    """Arguments every action tool takes."""

    clause: str = Field(description=CLAUSE)


class BriefArgs(ToolArgs):
    """Set or change brief fields the marketer stated (only those; never invent values)."""

    brand: str | None = None
    product: str | None = None
    audience: str | None = None
    tone: str | None = None
    goal: str | None = None
    episode_count: float | str | None = Field(default=None, description="as the marketer wrote it, sign included")
    episode_length_s: float | str | None = Field(default=None, description="seconds per episode, as written")
    cadence: str | None = Field(default=None, description="the cadence as said, e.g. 'Tue/Fri at 6pm London'")
    markets: list[str] | None = Field(default=None, description="country codes, e.g. ['US', 'CA']")
    platforms: list[str] | None = Field(default=None, description="e.g. ['tiktok']")
    destination: Literal["drama_center", "minis_center", "both"] | None = None


def args_model(kind: str) -> type[ToolArgs]:
    """The tool's argument model: the catalogue model's own fields (without `kind`), `clause` required."""
    if kind == "set_brief":
        return BriefArgs
    model = CATALOGUE[kind]
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in model.model_fields.items()
                              if name not in ("kind", "clause")}
    return create_model(f"{model.__name__}Args", __base__=ToolArgs, __doc__=model.__doc__, **fields)


def brief_action(args: dict[str, Any]) -> SetBrief:
    """set_brief arguments → SetBrief, numbers and cadence read from the marketer's words where they say them."""
    clause = str(args.get("clause") or "")
    said = {k: v for k, v in args.items() if k not in ("clause", "cadence") and v not in (None, "", [])}
    exact = read_brief(clause or " ".join(str(v) for v in said.values()), {}, prose=False)
    if args.get("cadence"):
        exact.update({k: v for k, v in read_brief(str(args["cadence"]), {}, prose=False).items() if k == "cadence"})
    for field in ("episode_count", "episode_length_s"):
        if field in said and field not in exact:
            value = said[field] if not isinstance(said[field], str) else parse_number(said[field])
            if value is None:
                said.pop(field)
            else:
                exact[field] = int(value) if float(value).is_integer() else value
    return SetBrief.model_validate({"clause": clause, "fields": {**said, **exact}})


def to_action(kind: str, args: dict[str, Any]) -> Action:
    """Validated tool arguments → the catalogue's typed action (the catalogue model validates once more)."""
    if kind == "set_brief":
        return brief_action(args)
    if kind == "out_of_scope" and not args.get("reason"):
        args = {**args, "reason": OUT_OF_SCOPE_REASON}
    return CATALOGUE[kind].model_validate({**args, "kind": kind})


def _recorded(action: Action) -> str:
    details = action.model_dump(exclude={"kind", "clause"}, exclude_none=True, exclude_defaults=True)
    return f"recorded: {action.kind}" + (f" {json.dumps(details, default=str)}" if details else "")


def action_tool(kind: str) -> BaseTool:
    """One catalogue action as a tool that validates its arguments and returns ("recorded: …", the action)."""
    schema = args_model(kind)

    def record(**args: Any) -> tuple[str, Outcome]:
        action = to_action(kind, args)
        return _recorded(action), Outcome(action)

    description = (CATALOGUE[kind].__doc__ or kind).strip().splitlines()[0]
    return StructuredTool.from_function(record, name=kind, description=description, args_schema=schema,
                                        response_format="content_and_artifact")


def withheld(value: Any) -> Any:
    """Facts as the model may see them: instruction-like strings (a brand named "ignore previous instructions")
    are withheld, like instruction-like messages."""
    if isinstance(value, str):
        return "(withheld)" if looks_like_injection(value) else value
    if isinstance(value, dict):
        return {k: withheld(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [withheld(v) for v in value]
    return value


@tool
def season_facts(state: Annotated[dict[str, Any], InjectedState], topic: str = "") -> str:
    """What is known about this season (brief fields, lead, characters, episode titles). Read it before acting on
    names or episode numbers. `topic` narrows the answer to keys containing it (empty = everything)."""
    facts = withheld(dict(state.get("facts") or {}))
    if state.get("episodes_in_arc"):
        facts.setdefault("episodes_in_arc", state["episodes_in_arc"])
    if topic.strip():
        facts = {k: v for k, v in facts.items() if topic.strip().lower() in k.lower()} or facts
    return json.dumps(facts, default=str, ensure_ascii=False)[:FACTS_CHARS] if facts else "no facts yet"


@tool
def stage_options(state: Annotated[dict[str, Any], InjectedState], about: str = "") -> str:
    """What the marketer can do at this stage, and the numbered options on offer (lead candidates) if any.
    `about` is ignored; pass the marketer's question if you like."""
    stage = state.get("stage", "")
    offered = [k for k in STAGE_ACTIONS.get(stage, ()) if k not in NOT_TOOLS]
    answer: dict[str, Any] = {"stage": stage, "actions": {
        k: (CATALOGUE[k].__doc__ or k).strip().splitlines()[0] for k in offered}}
    options = (state.get("facts") or {}).get("options")
    if options:
        answer["options"] = withheld(options)
    return json.dumps(answer, default=str, ensure_ascii=False)[:FACTS_CHARS]


def all_tools() -> list[BaseTool]:
    """Every tool any stage offers (the ToolNode knows them all; the guard and the binding scope them)."""
    kinds = dict.fromkeys(k for kinds in STAGE_ACTIONS.values() for k in kinds if k not in NOT_TOOLS)
    return [*(action_tool(k) for k in kinds), season_facts, stage_options]


def stage_tools(tools: Sequence[BaseTool], stage: str) -> list[BaseTool]:
    """The tools a stage offers the model: its actions and the read-only tools."""
    offered = set(STAGE_ACTIONS.get(stage, ())) | set(READ_ONLY)
    return [t for t in tools if t.name in offered and t.name not in NOT_TOOLS]


def _refusal(request: ToolCallRequest, reason: str, action: Action | None, retryable: bool = False) -> ToolMessage:
    call = request.tool_call
    return ToolMessage(f"refused: {reason}", tool_call_id=call["id"], name=call["name"], status="error",
                       artifact=Outcome(action, retryable) if action is not None else None)


def guard_tool_call(request: ToolCallRequest,
                    execute: Callable[[ToolCallRequest], ToolMessage | Any]) -> ToolMessage | Any:
    """The deterministic guard around every tool call (ToolNode's `wrap_tool_call`)."""
    name = request.tool_call["name"]
    args = request.tool_call.get("args") or {}
    clause = str(args.get("clause") or "")
    stage = str((request.state or {}).get("stage", "")) if isinstance(request.state, dict) else ""
    if (HUMAN_VOTES.match(name) and name not in CATALOGUE) or (clause and looks_like_injection(clause)):
        return _refusal(request, NEVER_FROM_CHAT, OutOfScope(clause=clause, reason=NEVER_FROM_CHAT))
    if name in READ_ONLY:
        return execute(request)
    if name not in STAGE_ACTIONS.get(stage, ()) or name in NOT_TOOLS or request.tool is None:
        return _refusal(request, f"`{name}` is not available at the {stage} stage; the marketer will be told it "
                                 "was not understood", Unclear(clause=clause, guess=name))
    result = execute(request)
    if isinstance(result, ToolMessage) and result.status == "error":
        reason = f"invalid arguments ({str(result.content)[:300]}); call `{name}` again with valid arguments, " \
                 "or `unclear`"
        return _refusal(request, reason, Unclear(clause=clause, guess=name), retryable=True)
    return result


def collected(messages: Sequence[BaseMessage]) -> list[Action]:
    """The actions a turn's tool calls recorded, in call order: duplicates once, a retryable refusal only when no
    later call covered its clause (nothing the marketer said is dropped silently)."""
    outcomes = [m.artifact for m in messages if isinstance(m, ToolMessage) and isinstance(m.artifact, Outcome)]
    covered = {o.action.clause for o in outcomes if not o.retryable}
    actions: list[Action] = []
    for outcome in outcomes:
        if outcome.retryable and outcome.action.clause in covered:
            continue
        if outcome.action not in actions:
            actions.append(outcome.action)
    return actions
