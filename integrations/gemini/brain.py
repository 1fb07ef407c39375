"""GeminiBrain: the Brain protocol on Gemini, with the offline brain's rules as guard rails.

The model writes; deterministic code checks. Every arc and episode is scrubbed of the bible's banned words and
validated against the format (one fix round when it breaks it); brief numbers come from the deterministic parser
when it found them, so "40 episodes" reaches validation as 40 even if a model would quietly clamp it; instruction-
like messages are UNKNOWN before a model ever sees them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from agent.brain.arcwriter import target_words
from agent.brain.briefparse import parse_brief
from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.lint import scrub_arc, scrub_episode, validate_arc
from agent.brain.offline import OfflineBrain
from agent.brain.router import looks_like_injection, route
from agent.brain.tone import ToneVerdict
from agent.domain import Arc, Brief, EpisodeScript, PersonaBrief
from agent.ports import Intent, Interpretation, PersonaDraft
from agent.understanding.brief import read_brief
from agent.understanding.context import MessageContext
from integrations.gemini.client import GeminiClient
from integrations.gemini.schemas import ArcDraft, BriefFields, CastDrafts, EpisodeDraft, RouteDraft, ToneDraft
from integrations.gemini.understander import GeminiUnderstander

log = logging.getLogger(__name__)
EXACT_FIELDS = ("episode_count", "episode_length_s")


class GeminiBrain:
    """Brain backed by Gemini (langchain-google-genai); prompts come from prompts/*.md."""

    name = "gemini"

    def __init__(self, api_key: str, model: str = "gemini-2.5-flash", base_url: str | None = None,
                 client: GeminiClient | None = None, **client_options: Any) -> None:
        """Build the client (no network until the first call). `client_options` go to GeminiClient."""
        self.client = client or GeminiClient(api_key, model, base_url, **client_options)
        self.prompts = self.client.prompts
        self._offline = OfflineBrain()
        self._ear = GeminiUnderstander(self.client)

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Any]:
        """The typed actions a message asks for, through the Gemini tool-calling agent (guarded; offline
        fallback). `context` carries the stage's facts and the thread's recent history."""
        return self._ear.understand(text, stage, episodes_in_arc, context)

    # -- brief ------------------------------------------------------------------------------------------------
    def extract_brief(self, text: str, known: dict[str, Any]) -> dict[str, Any]:
        """Model-read fields over `known`, with the parser's exact numbers; parser alone if the reply is unusable."""
        from_text = read_brief(text, {}, prose=False)  # numbers as written: "-3 episodes" stays -3
        prompt = self.prompts.render("intake", known=json.dumps(known, default=str), text=text)
        try:
            fields = self.client.structured(prompt, BriefFields)
        except KeyRejectedError:
            raise
        except BrainError as exc:
            log.warning("Gemini brief extraction failed (%s); using the rule-based parser", exc)
            return parse_brief(text, known)
        from_model = fields.model_dump(exclude_none=True)
        cadence = {**(known.get("cadence") or {}), **from_model.pop("cadence", {}), **from_text.get("cadence", {})}
        result = {**known, **from_model}
        result.update({name: from_text[name] for name in EXACT_FIELDS if name in from_text})
        if cadence:
            result["cadence"] = cadence
        return result

    # -- arc --------------------------------------------------------------------------------------------------
    def write_arc(self, brief: Brief, bible: PersonaBrief) -> Arc:
        """A season from Gemini, scrubbed and validated; one fix round for format problems."""
        values = self._arc_values(brief, bible)
        draft = self.client.structured(self.prompts.render("arc", **values), ArcDraft)
        arc = self._to_arc(draft, bible)
        problems = validate_arc(arc, brief)
        if problems:
            log.info("Gemini arc has %d format problems; asking for a fix", len(problems))
            prompt = self.prompts.render("arc_fix", problems="\n".join(f"- {p}" for p in problems),
                                         arc=arc.model_dump_json(exclude={"offline_draft"}), **{
                                             k: values[k] for k in ("episode_count", "words_per_episode",
                                                                    "product", "banned")})
            arc = self._to_arc(self.client.structured(prompt, ArcDraft), bible)
        if len(arc.episodes) != brief.episode_count:
            raise BrainError(f"Gemini wrote {len(arc.episodes)} episodes instead of {brief.episode_count}; "
                             "try again.")
        return arc

    @staticmethod
    def _arc_values(brief: Brief, bible: PersonaBrief) -> dict[str, Any]:
        """Everything arc.md needs, from the brief and the bible."""
        return {"brief": brief.model_dump_json(), "voice": bible.voice,
                "vocabulary": ", ".join(bible.vocabulary) or "(none)", "dos": "; ".join(bible.dos) or "(none)",
                "donts": "; ".join(bible.donts) or "(none)", "banned": ", ".join(bible.banned_words) or "(none)",
                "episode_count": brief.episode_count, "product": brief.product, "tone": brief.tone,
                "audience": brief.audience, "episode_length_s": brief.episode_length_s,
                "words_per_episode": round(target_words(brief.episode_length_s))}

    @staticmethod
    def _to_arc(draft: ArcDraft, bible: PersonaBrief) -> Arc:
        """Domain Arc from the model's draft: episodes renumbered in order, banned words scrubbed."""
        episodes = [EpisodeScript(**ep.model_dump(exclude={"number"}), number=i)
                    for i, ep in enumerate(sorted(draft.episodes, key=lambda e: e.number), start=1)]
        arc = Arc(title=draft.title, premise=draft.premise, logline=draft.logline, through_line=draft.through_line,
                  cast=draft.cast, episodes=episodes)
        return scrub_arc(arc, bible)

    # -- revise -----------------------------------------------------------------------------------------------
    def revise_episode(self, arc: Arc, number: int, note: str, bible: PersonaBrief) -> EpisodeScript:
        """Episode `number` rewritten by Gemini with its neighbours' hinges in the prompt; others untouched."""
        if not 1 <= number <= len(arc.episodes):
            raise BrainError(f"this season has episodes 1–{len(arc.episodes)}; there is no episode {number}")
        episode = arc.episodes[number - 1]
        previous = arc.episodes[number - 2] if number > 1 else None
        following = arc.episodes[number] if number < len(arc.episodes) else None
        last = following is None
        prompt = self.prompts.render(
            "revise", number=number, note=note,
            previous_cliffhanger=previous.cliffhanger if previous else "(none: this is episode 1, it must hook)",
            next_cold_open=following.cold_open if following else "(none: this is the finale)",
            cast=", ".join(f"{m.name} ({m.role})" for m in arc.cast),
            last_episode_rule=" — or, as the finale, pay off the through-line (a season-2 tease is welcome)"
            if last else "",
            words=episode.word_count, banned=", ".join(bible.banned_words) or "(none)", title=arc.title,
            through_line=arc.through_line, episode=episode.model_dump_json(exclude={"offline_draft"}),
        )
        draft = self.client.structured(prompt, EpisodeDraft)
        revised = EpisodeScript(**draft.model_dump(exclude={"number"}), number=number)
        return scrub_episode(revised, bible)

    # -- cast -------------------------------------------------------------------------------------------------
    def propose_cast(self, brief: Brief, arc: Arc) -> list[PersonaDraft]:
        """Three lead candidates from Gemini (topped up from the offline brain if it sends fewer)."""
        lead = next((m for m in arc.cast if m.role == "lead"), arc.cast[0] if arc.cast else None)
        prompt = self.prompts.render(
            "cast", lead_name=lead.name if lead else "the lead", lead_description=lead.description if lead else "",
            title=arc.title, premise=arc.premise, audience=brief.audience, tone=brief.tone, brand=brief.brand,
        )
        drafts = self.client.structured(prompt, CastDrafts).candidates[:3]
        names = {d.name for d in drafts}
        for extra in self._offline.propose_cast(brief, arc):
            if len(drafts) >= 3:
                break
            if extra.name not in names:
                drafts.append(extra)
        return drafts

    # -- tone -------------------------------------------------------------------------------------------------
    def judge_tone(self, text: str, bible: PersonaBrief) -> ToneVerdict:
        """An LLM judge's tone score against the bible (prompts/tone_judge.md); long drafts are trimmed."""
        prompt = self.prompts.render(
            "tone_judge", voice=bible.voice, vocabulary=", ".join(bible.vocabulary) or "(none)",
            dos="; ".join(bible.dos) or "(none)", donts="; ".join(bible.donts) or "(none)",
            banned=", ".join(bible.banned_words) or "(none)", text=text[:12000])
        draft = self.client.structured(prompt, ToneDraft)
        return ToneVerdict(score=draft.score, verdict=draft.verdict, notes=draft.notes[:3], judge="Gemini")

    # -- route ------------------------------------------------------------------------------------------------
    def interpret(self, text: str, stage: str) -> Interpretation:
        """Gemini's reading, behind the keyword guard; keyword routing when the reply is unusable."""
        if not text.strip() or looks_like_injection(text):
            return Interpretation(intent=Intent.UNKNOWN, note=text.strip())
        try:
            draft = self.client.structured(self.prompts.render("route", stage=stage, text=text), RouteDraft)
        except KeyRejectedError:
            raise
        except BrainError as exc:
            log.warning("Gemini routing failed (%s); using keyword routing", exc)
            return route(text, stage)
        return Interpretation(intent=Intent(draft.intent), episode=draft.episode, note=draft.note or text.strip(),
                              choice=draft.choice)
