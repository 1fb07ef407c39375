"""The offline brain: the whole Brain protocol with no network and no hidden randomness.

It is what runs without a Gemini key (demo, tests, a marketer trying the product), so it must produce a season that
passes the same format checks a model's season must pass — and say plainly that it is an offline draft.
"""

from __future__ import annotations

from typing import Any

from agent.brain.arcwriter import cast_names, digest, pick_template, write_season
from agent.brain.briefparse import parse_brief
from agent.brain.revise import revise
from agent.brain.router import route
from agent.brain.tone import ToneVerdict, offline_tone
from agent.domain import Arc, Brief, EpisodeScript, PersonaBrief
from agent.ports import Interpretation, PersonaDraft

LOOKS: tuple[str, ...] = (
    "late 20s, dark curly hair pulled back, warm brown eyes, tired but sharp, a cardigan over work clothes",
    "early 30s, cropped black hair, freckles, steady gaze, a denim jacket and a silver ring she keeps turning",
    "mid 20s, long auburn hair, quick nervous smile, oversized sweater, notices everything in the room",
    "early 30s, shaved head, strong brows, calm low voice, a worn leather watch and rolled-up sleeves",
    "late 20s, straight black bob, round glasses, expressive hands, a bright scarf as her signature",
)


class OfflineBrain:
    """Deterministic Brain: same inputs, same outputs; labels everything it writes as an offline draft."""

    name = "offline"

    def extract_brief(self, text: str, known: dict[str, Any]) -> dict[str, Any]:
        """Rule-based brief fields from free text, merged over `known` (validation happens later)."""
        return parse_brief(text, known)

    def write_arc(self, brief: Brief, bible: PersonaBrief) -> Arc:
        """A templated season sized to the brief, free of the bible's banned words."""
        return write_season(brief, bible)

    def revise_episode(self, arc: Arc, number: int, note: str, bible: PersonaBrief) -> EpisodeScript:
        """Episode `number` rewritten after the note; neighbours untouched, title kept."""
        return revise(arc, number, note, bible)

    def propose_cast(self, brief: Brief, arc: Arc) -> list[PersonaDraft]:
        """Three lead candidates: the arc's lead plus two alternatives, each with a look to lock."""
        lead = next((m for m in arc.cast if m.role == "lead"), None)
        role = lead.description if lead and lead.description else pick_template(brief).lead_role
        names = [lead.name if lead else cast_names(brief.brand).lead]
        seed = digest(brief.brand, "cast")
        for extra in ("alt-1", "alt-2"):
            alt = cast_names(f"{brief.brand}/{extra}").lead
            step = 0
            while alt in names:
                step += 1
                alt = cast_names(f"{brief.brand}/{extra}/{step}").lead
            names.append(alt)
        drafts = []
        for i, name in enumerate(names):
            look = LOOKS[(seed + i) % len(LOOKS)]
            drafts.append(PersonaDraft(
                name=name,
                description=f"{name}: {look}. Plays {role}, relatable to {brief.audience}.",
            ))
        return drafts

    def interpret(self, text: str, stage: str) -> Interpretation:
        """Keyword routing; anything unclear or instruction-like is UNKNOWN so the agent asks again."""
        return route(text, stage)

    def judge_tone(self, text: str, bible: PersonaBrief) -> ToneVerdict:
        """The transparent heuristic judge (labelled offline in the thread)."""
        return offline_tone(text, bible)
