"""The offline brain: the whole Brain protocol with no network and no hidden randomness.

It is what runs without a Gemini key (demo, tests, a marketer trying the product), so it must produce a season that
passes the same format checks a model's season must pass — and say plainly that it is an offline draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.brain.arcwriter import cast_names, digest, pick_template, write_season
from agent.brain.revise import revise
from agent.brain.router import looks_like_injection, route
from agent.brain.tone import ToneVerdict, offline_tone
from agent.domain import Arc, Brief, EpisodeScript, PersonaBrief
from agent.ports import Intent, Interpretation, PersonaDraft

if TYPE_CHECKING:
    from agent.understanding.context import MessageContext

FULL_BRIEF = set(Brief.model_fields)
# Classifier labels that map onto the graph's intents (the rest are read by the stage handlers themselves).
LABEL_INTENTS = {"proceed": Intent.PROCEED, "defer": Intent.PROCEED, "undo": Intent.UNDO, "status": Intent.STATUS,
                 "help": Intent.HELP, "start_over": Intent.START_OVER, "schedule": Intent.SCHEDULE,
                 "brief_info": Intent.ANSWER, "revise_episode": Intent.REVISE}
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
        """Brief fields from labels, prose and numbers, merged over `known` (validation happens later).

        Prose (brand/product/audience/tone cues) is read while the brief is being written; once the season has a
        whole brief, only labels and numbers change it, so "make it darker" is never mistaken for a new tone.
        """
        from agent.understanding.brief import read_brief  # agent.understanding imports agent.brain

        return read_brief(text, known, prose=not FULL_BRIEF <= set(known))

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
        """Keyword routing for the exact phrasings, then the trained classifier for everything else.

        Instruction-like text stays UNKNOWN (the router decides that first); a classifier reading below the
        confidence threshold is UNKNOWN too, so the agent asks (with an example) rather than guess.
        """
        routed = route(text, stage)
        if routed.intent != Intent.UNKNOWN or not text.strip() or looks_like_injection(text):
            return routed
        from agent.understanding.classifier import THRESHOLD, classifier

        prediction = classifier().predict(text)
        intent = LABEL_INTENTS.get(prediction.label)
        if intent is None or prediction.confidence < THRESHOLD:
            return routed
        if intent == Intent.ANSWER and stage not in ("brief", "intake"):
            intent = Intent.REVISE
        return Interpretation(intent=intent, note=text.strip())

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Any]:
        """The typed actions a message asks for (agent.understanding: classifier + entities + clauses); of the
        context only the episode count is read (the history is for the model-backed understander)."""
        from agent.understanding.understand import understand

        return understand(text, stage, episodes_in_arc, context)

    def judge_tone(self, text: str, bible: PersonaBrief) -> ToneVerdict:
        """The transparent heuristic judge (labelled offline in the thread)."""
        return offline_tone(text, bible)
