"""The Gemini understander: a LangGraph tool-calling agent over the action catalogue.

A small compiled StateGraph: a model node (Gemini through langchain-google-genai, the stage's tools bound) and a
ToolNode whose every call passes the deterministic guard (integrations/gemini/tools.py). The model may look first
(`season_facts`, `stage_options`), then records the message's requests as action calls, sees "recorded: …" or
"refused: <reason>" for each, and loops until it answers without calls — at most `max_model_calls` model calls.
The message list starts from the thread's history (MessageContext) and is trimmed in the state before every model
call (integrations/gemini/history.py).

Around the graph stays the guard it always had: instruction-like text never reaches the model, and a model failure
or an answer that records nothing falls back to the offline understander — except a rejected key, which is raised
(KeyRejectedError) so the marketer learns the key is wrong instead of silently getting offline answers.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, RemoveMessage, SystemMessage
from langchain_core.runnables import Runnable
from langgraph.errors import GraphRecursionError
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.router import looks_like_injection
from agent.understanding.actions import NEVER_FROM_CHAT, STAGE_ACTIONS, Action, OutOfScope
from agent.understanding.context import MessageContext
from agent.understanding.understand import understand as offline_understand
from integrations.gemini.client import GeminiClient
from integrations.gemini.history import CURRENT_ID, history_messages, window
from integrations.gemini.tools import all_tools, collected, guard_tool_call, stage_tools

log = logging.getLogger(__name__)
MAX_MODEL_CALLS = 4  # look, act, (fix a refused call), answer
MESSAGE_CHARS = 8000  # longer messages are read offline (bounded time; the model would only see part anyway)
STAGE_ALIASES = {"intake": "brief"}


class AgentState(MessagesState):
    """The agent's state: the message list (add_messages reducer) and what the tools may read."""

    stage: str
    episodes_in_arc: int | None
    facts: dict[str, Any]
    model_calls: int


class GeminiUnderstander:
    """Message → actions through a guarded Gemini tool-calling agent, with the offline understander as fallback."""

    def __init__(self, client: GeminiClient, max_model_calls: int = MAX_MODEL_CALLS) -> None:
        """Use the brain's client (same key, retries and prompts); the graph is compiled once and shared."""
        self.client = client
        self.max_model_calls = max(1, max_model_calls)
        self.tools = all_tools()
        self._bound: dict[str, Runnable[Any, Any]] = {}
        self.graph = self._build()

    def _build(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        graph = StateGraph(AgentState)
        graph.add_node("model", self._call_model)
        graph.add_node("tools", ToolNode(self.tools, wrap_tool_call=guard_tool_call))
        graph.add_edge(START, "model")
        graph.add_conditional_edges("model", tools_condition, {"tools": "tools", END: END})
        graph.add_conditional_edges("tools", self._after_tools, {"model": "model", END: END})
        return graph.compile(name="gemini-understander")

    def _model_for(self, stage: str) -> Runnable[Any, Any]:
        """The chat model with the stage's tools bound (cached per stage)."""
        if stage not in self._bound:
            self._bound[stage] = self.client.llm.bind_tools(stage_tools(self.tools, stage))
        return self._bound[stage]

    def _call_model(self, state: AgentState) -> dict[str, Any]:
        """One model call on the trimmed window; history that fell out of the budget leaves the state too."""
        messages = state["messages"]
        sent = window(messages)
        kept = {m.id for m in sent}
        reply = self.client.invoke(self._model_for(state["stage"]), sent)  # retries, errors as BrainError
        dropped: list[BaseMessage] = [RemoveMessage(id=m.id) for m in messages if m.id not in kept and m.id]
        return {"messages": [*dropped, reply], "model_calls": state.get("model_calls", 0) + 1}

    def _after_tools(self, state: AgentState) -> str:
        """Back to the model to continue, unless the cap is reached (the last calls are still recorded)."""
        return "model" if state.get("model_calls", 0) < self.max_model_calls else END

    def system_prompt(self, stage: str) -> str:
        """prompts/understand.md with the stage's hint (prompts/understand_stage_<stage>.md)."""
        hint = self.client.prompts.render(f"understand_stage_{stage}").strip()
        return self.client.prompts.render("understand", stage=stage, stage_hint=hint,
                                          max_steps=self.max_model_calls)

    def initial_state(self, text: str, stage: str, episodes_in_arc: int | None,
                      context: MessageContext | None) -> dict[str, Any]:
        """The state the graph starts from: system prompt, the thread's history, the message; facts for tools."""
        messages = [SystemMessage(self.system_prompt(stage), id="system"), *history_messages(context, text),
                    HumanMessage(text, id=CURRENT_ID)]
        return {"messages": messages, "stage": stage, "episodes_in_arc": episodes_in_arc,
                "facts": dict(context.facts) if context is not None else {}, "model_calls": 0}

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Action]:
        """The actions the message asks for (guarded; offline when the model fails or records nothing)."""
        stage = STAGE_ALIASES.get(stage, stage)
        if episodes_in_arc is None and context is not None:
            episodes_in_arc = context.episodes_in_arc
        if looks_like_injection(text):
            return [OutOfScope(clause=text, reason=NEVER_FROM_CHAT)]
        if stage not in STAGE_ACTIONS or not text.strip() or len(text) > MESSAGE_CHARS:
            return offline_understand(text, stage, episodes_in_arc)
        state = self.initial_state(text, stage, episodes_in_arc, context)
        try:
            final = self.graph.invoke(state, {"recursion_limit": 2 * self.max_model_calls + 3})
        except KeyRejectedError:
            raise
        except (BrainError, GraphRecursionError) as error:
            log.warning("Gemini could not read the message (%s); using the offline understander", error)
            return offline_understand(text, stage, episodes_in_arc)
        actions = collected(final["messages"])
        if not actions:
            log.info("Gemini recorded no action; using the offline understander")
            return offline_understand(text, stage, episodes_in_arc)
        return actions
