"""Graph state. The database holds the season; the state holds only conversation memory (drafts, undo stack).

`Turn` is the per-message run context: the TurnContext plus the files attached to the message (a logo, a font,
a portrait). Files are not state: they belong to one message and must not be replayed from a checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from agent.context import TurnContext


class SeasonState(TypedDict, total=False):
    """Conversation memory of one season thread."""

    season_id: int
    stage: str  # brief | arc | cast | look | review | scheduled
    brief_draft: dict[str, Any]  # brief fields stated so far (bad values never replace good ones)
    asked: list[str]  # optional brief fields already asked about (asked once; silence then means "you decide")
    arc_history: list[dict[str, Any]]  # undo stack: {"version": arc version to return to, "brief": brief or None}
    look_draft: dict[str, Any]  # the look being tuned (locked into an immutable version on "lock it")
    last_ask: str  # the last question asked (asked again → an example answer and the brief form come with it)
    cast_ids: list[int]  # persona ids offered for the lead, in the order shown (option 1, 2, 3, …)
    history: list[dict[str, Any]]  # recent exchanges (agent.understanding.context.remember: cut and capped)


@dataclass
class Turn(TurnContext):
    """One incoming message's run context, with its attached files (already downloaded to local paths)."""

    files: list[Path] = field(default_factory=list)


def files_of(ctx: TurnContext) -> list[Path]:
    """The files attached to this message (none for plain TurnContexts, e.g. from older callers)."""
    return list(getattr(ctx, "files", []) or [])
