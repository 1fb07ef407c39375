"""Swapping a character ("swap the rival", "replace the confidant with Marcus"): a targeted, deterministic edit.

A swap renames one cast member everywhere they appear (cast list, speakers, every text) and touches nothing
else, so it is done in code for both brains: a model rewrite would risk changing scenes nobody asked to change.
"""

from __future__ import annotations

import re

from agent.brain.arcwriter import digest
from agent.brain.story_templates import CONFIDANT_NAMES, FIRST_NAMES, RIVAL_NAMES
from agent.domain import Arc

ROLES = ("lead", "rival", "confidant")
SWAP = re.compile(
    r"\b(?:swap|replace|change|recast|rename|switch)\s+(?:out\s+)?(?:the\s+)?(?P<role>lead|rival|confidant|friend"
    r"|villain|antagonist|sidekick|best\s+friend|[A-Z][a-z]+)\b(?:\s+(?:for|with|to|into)\s+(?P<name>[A-Z][\w'-]+))?",
    re.IGNORECASE,
)
ROLE_ALIASES = {"villain": "rival", "antagonist": "rival", "friend": "confidant", "sidekick": "confidant",
                "best friend": "confidant"}
POOLS = {"lead": FIRST_NAMES, "rival": RIVAL_NAMES, "confidant": CONFIDANT_NAMES}


def parse_swap(text: str, arc: Arc) -> tuple[str, str | None] | None:
    """(role, new name or None) when the message asks to swap a character of this arc; None otherwise."""
    match = SWAP.search(text)
    if not match:
        return None
    word = re.sub(r"\s+", " ", match["role"].lower())
    role = ROLE_ALIASES.get(word, word)
    if role not in ROLES:
        member = next((m for m in arc.cast if m.name.lower() == word), None)
        if member is None:
            return None
        role = member.role
    if not any(m.role == role for m in arc.cast):
        return None
    return role, match["name"]


def fresh_name(arc: Arc, role: str) -> str:
    """A name from the role's pool that nobody in the cast has, chosen deterministically from the arc."""
    taken = {m.name for m in arc.cast}
    pool = [n for n in POOLS.get(role, RIVAL_NAMES) if n not in taken]
    return pool[digest(arc.title, role, *sorted(taken)) % len(pool)]


def swap_character(arc: Arc, role: str, new_name: str | None = None) -> tuple[Arc, str, str]:
    """The arc with the character in `role` renamed everywhere; returns (arc, old name, new name)."""
    member = next(m for m in arc.cast if m.role == role)
    old = member.name
    new = new_name or fresh_name(arc, role)
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")
    data = arc.model_dump()

    def replace(value: object) -> object:
        if isinstance(value, str):
            return pattern.sub(new, value)
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        return value

    return Arc.model_validate(replace(data)), old, new
