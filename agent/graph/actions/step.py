"""What a handler gets (the message being applied) and what it gives back (what it did, or why not)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.context import TurnContext
from agent.graph.routing import STAGE_NODES
from agent.understanding.actions import Action


@dataclass
class Result:
    """One action's outcome. `line` goes into the reply; `said` means the handler already posted its answer (a
    status board, a diff, the bible) and `note` names it in a reply about several requests; `refused` is the reason
    it was not done. `goto`/`update` move the conversation or change its memory."""

    line: str = ""
    refused: str = ""
    said: bool = False
    note: str = ""
    goto: str | None = None
    update: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing done and no reason given (the dispatcher never lets that pass silently)."""
        return not (self.line or self.refused or self.said or self.note)


@dataclass
class Step:
    """One message being applied at one stage; `scratch` is shared by the handlers of this message (the arc being
    revised, the look being tuned, the undo point)."""

    ctx: TurnContext
    state: dict[str, Any]
    stage: str
    text: str
    scratch: dict[str, Any] = field(default_factory=dict)

    @property
    def season_id(self) -> int:
        """The thread's season."""
        return int(self.state["season_id"])

    @property
    def node(self) -> str:
        """The graph node where this stage listens."""
        return STAGE_NODES.get(self.stage, self.stage)


Handler = Callable[[Step, Action], Result]
Finish = Callable[[Step], Result | None]


def short(text: str, limit: int = 80) -> str:
    """A clause quoted back, cut to a readable length (never the whole of a pasted document)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_command(command: Any, note: str = "", said: bool = True) -> Result:
    """A Result from a stage function that still answers with a Command (it said its own reply)."""
    return Result(said=said, note=note, goto=getattr(command, "goto", None) or None,
                  update=dict(getattr(command, "update", None) or {}))
