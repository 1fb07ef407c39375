"""Who speaks with which voice: the lead's comes from the lock, everyone else's is derived, never random.

LeadLock.voice is the lead's voice id. When it names a voice the current engine has, that voice is used. When it
does not (a lock made before voices existed says "none"; a lock made under another engine names that engine's
voice), the lead's voice is derived from the lock itself (persona id, seed, name), so it is still the same voice
in every episode of the season. Supporting characters get a voice derived from their name among the others: the
same character sounds the same across episodes and never like the lead (when the engine has a second voice).
Narration (lines without a speaker) is the lead's voice: the show speaks as its lead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from agent.domain import LeadLock


def _index(key: str, modulo: int) -> int:
    """A stable index (sha256, not hash(): that changes per process)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % modulo


def lead_voice(lead: LeadLock, voices: tuple[str, ...]) -> str:
    """The lead's voice id under an engine offering `voices` (non-empty)."""
    if lead.voice in voices:
        return lead.voice
    return voices[_index(f"lead:{lead.persona_id}:{lead.seed}:{lead.name.strip().lower()}", len(voices))]


def cast_voices(lead: LeadLock, speakers: Iterable[str], voices: tuple[str, ...]) -> dict[str, str]:
    """speaker → voice id for every speaker in the script (case-insensitive on names)."""
    if not voices:
        raise ValueError("this voice engine offers no voices (silent)")
    lead_id = lead_voice(lead, voices)
    others = tuple(v for v in voices if v != lead_id) or voices
    lead_name = lead.name.strip().lower()
    cast: dict[str, str] = {}
    taken: set[str] = set()
    for speaker in speakers:
        key = speaker.strip().lower()
        if key in ("", lead_name):
            cast[speaker] = lead_id
            continue
        if speaker in cast:
            continue
        start = _index(f"support:{key}", len(others))
        # the next free voice after the derived one, so two supporting characters do not share a voice while the
        # engine has enough of them (stable when speakers come in the season's cast order)
        pick = next((others[(start + k) % len(others)] for k in range(len(others))
                     if others[(start + k) % len(others)] not in taken), others[start])
        cast[speaker] = pick
        taken.add(pick)
    return cast
