"""Wire the stage nodes into a graph. Each node routes itself with Command(goto=…); see agent.graph.routing."""

from __future__ import annotations

from langgraph.graph import START, StateGraph
from langgraph.types import Checkpointer

from agent.context import TurnContext
from agent.graph.nodes.arc import arc_stage
from agent.graph.nodes.cast import cast_stage
from agent.graph.nodes.intake import intake
from agent.graph.nodes.look import look_stage
from agent.graph.nodes.review import review_stage
from agent.graph.routing import STAGE_NODES
from agent.graph.state import SeasonState

__all__ = ["STAGE_NODES", "build_graph"]


def build_graph(checkpointer: Checkpointer):  # type: ignore[no-untyped-def]
    """The compiled showrunner graph."""
    graph = StateGraph(SeasonState, context_schema=TurnContext)
    graph.add_node("intake", intake, destinations=("intake", "arc"))
    graph.add_node("arc", arc_stage, destinations=("arc", "cast", "intake"))
    graph.add_node("cast", cast_stage, destinations=("cast", "look", "intake"))
    graph.add_node("look", look_stage, destinations=("look", "review", "intake"))
    graph.add_node("review", review_stage, destinations=("review", "intake"))
    graph.add_edge(START, "intake")
    return graph.compile(checkpointer=checkpointer)
