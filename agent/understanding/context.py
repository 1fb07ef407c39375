"""What an understander may know beyond the message itself: the stage, the season's facts and recent exchanges.

Both understanders take it (`MessageContext`): the offline one reads only the episode count from it, the Gemini
tool-calling agent starts its message list from `history`, trimmed, and reads the `facts` through a tool. The graph
keeps `history` in the season's state, capped, so a restarted process continues the conversation where it was.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

HISTORY_LIMIT = 12  # exchanges kept in the season state (older ones are dropped first)
EXCHANGE_CHARS = 600  # each exchange is cut to this many characters before it is kept


class Exchange(BaseModel):
    """One message of the thread as the understander sees it."""

    role: Literal["marketer", "agent"]
    text: str


class MessageContext(BaseModel):
    """The context of one message: where the season is and what was said just before."""

    stage: str
    episodes_in_arc: int | None = None
    history: list[Exchange] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)  # brief fields, lead, character names, episode titles


def remember(history: list[dict[str, Any]], role: str, text: str) -> list[dict[str, Any]]:
    """The history with one more exchange, cut and capped (what the graph state stores)."""
    entry = Exchange(role="agent" if role == "agent" else "marketer", text=" ".join(text.split())[:EXCHANGE_CHARS])
    return [*history, entry.model_dump()][-HISTORY_LIMIT:]
