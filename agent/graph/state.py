"""Graph state. The database holds the season; the state holds only conversation memory (drafts, undo history)."""

from __future__ import annotations

from typing import Any, TypedDict


class SeasonState(TypedDict, total=False):
    """Conversation memory of one season thread."""

    season_id: int
    stage: str  # brief | arc | cast | look | review | scheduled
    brief_draft: dict[str, Any]  # validated-so-far brief fields (bad values never replace good ones)
    arc_history: list[dict[str, Any]]  # earlier arcs, newest last, for "undo"
    look_draft: dict[str, Any]
    cast_ids: list[int]  # persona ids offered for the lead
