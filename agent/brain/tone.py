"""Tone judging: how well a draft holds the bible's voice, scored 1–5 with reasons, shown with every draft.

Gemini judges with prompts/tone_judge.md when keyed (an LLM judge). Offline, a transparent heuristic stands in:
it reads the voice's adjectives ("dry", "witty", "warm", "tense"…) and measures what they imply (exclamation
marks, sentence length, questions, the bible's vocabulary and don'ts). It is labelled as offline so nobody
mistakes it for taste.
"""

from __future__ import annotations

import re
from typing import Protocol

from pydantic import BaseModel, Field

from agent.brain.genres import genres_named
from agent.brain.lint import lint_text
from agent.domain import Arc, EpisodeScript, PersonaBrief


class ToneVerdict(BaseModel):
    """A tone score for one draft: 1 (off-voice) … 5 (on-voice), with what drove it."""

    score: int = Field(ge=1, le=5)
    verdict: str
    notes: list[str] = Field(default_factory=list)
    judge: str = "offline"

    def line(self) -> str:
        """One line for the thread."""
        stars = "★" * self.score + "☆" * (5 - self.score)
        notes = f" — {'; '.join(self.notes[:3])}" if self.notes else ""
        return f"*Tone* ({self.judge} judge): {stars} {self.score}/5 {self.verdict}{notes}"


class ToneJudge(Protocol):
    """Anything that can judge a text's tone against a bible (the brains implement it)."""

    def judge_tone(self, text: str, bible: PersonaBrief) -> ToneVerdict:
        """Score `text` against the bible's voice."""
        ...


CALM = ("dry", "deadpan", "understated", "calm", "wry", "restrained", "subtle", "minimal", "cool")
SNAPPY = ("witty", "quick", "snappy", "punchy", "playful", "fast", "brisk", "sharp")
WARM = ("warm", "cosy", "cozy", "kind", "gentle", "friendly", "tender")
TENSE = ("tense", "suspense", "suspenseful", "dark", "thriller", "moody", "ominous", "gritty")
WARM_WORDS = ("together", "home", "friend", "thank", "care", "love", "smile", "laugh", "hug", "safe", "kind")


def arc_text(arc: Arc) -> str:
    """The spoken and written parts of an arc the audience meets (what tone is judged on)."""
    return "\n".join([arc.logline, *(episode_text(ep) for ep in arc.episodes)])


def episode_text(episode: EpisodeScript) -> str:
    """One episode's beat, cliffhanger and lines."""
    return "\n".join([episode.beat, episode.cliffhanger, *(line.text for line in episode.lines)])


GENRE_MARKERS_NEEDED = 3


def _has(voice: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{w}\b", voice) for w in words)


def offline_tone(text: str, bible: PersonaBrief) -> ToneVerdict:
    """Heuristic tone score: starts at 5 and loses points for each measurable way the text leaves the voice."""
    voice = bible.voice.lower()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()] or [text]
    words = re.findall(r"[A-Za-z']+", text)
    lowered = text.lower()
    exclaim = text.count("!") / len(sentences)
    questions = text.count("?") / len(sentences)
    avg_len = len(words) / len(sentences)
    score, notes = 5.0, []
    if banned := lint_text(text, bible):
        score -= 2
        notes.append(f"banned word “{banned[0].word}” present")
    if _has(voice, CALM) and exclaim > 0.15:
        score -= 1
        notes.append(f"{exclaim:.0%} of sentences shout — too loud for a {bible.voice} voice")
    if _has(voice, SNAPPY) and avg_len > 16:
        score -= 1
        notes.append(f"sentences average {avg_len:.0f} words — long for a {bible.voice} voice")
    if _has(voice, TENSE) and questions < 0.05:
        score -= 1
        notes.append("few open questions for a suspenseful voice")
    if _has(voice, WARM) and not any(w in lowered for w in WARM_WORDS):
        score -= 0.5
        notes.append("little warmth on the page")
    if bible.vocabulary:
        hits = [w for w in bible.vocabulary if w.lower() in lowered]
        if not hits:
            score -= 1
            notes.append("none of the bible's vocabulary is used")
        else:
            notes.append(f"uses {len(hits)}/{len(bible.vocabulary)} vocabulary words")
    for dont in bible.donts:
        quoted = re.findall(r"[\"“']([^\"”']+)[\"”']", dont)
        if any(q.lower() in lowered for q in quoted):
            score -= 1
            notes.append(f"breaks a don't: {dont}")
    for genre in genres_named(voice):  # a romance brief must read as a romance, not as the default thriller
        hits = sum(1 for m in genre.markers if re.search(rf"\b{re.escape(m)}", lowered))  # distinct markers
        if hits < GENRE_MARKERS_NEEDED:
            score -= 3  # the wrong genre is the worst way to miss a voice
            notes.append(f"asked for {genre.key}, but the text has almost none of its language ({hits} markers)")
    final = max(1, min(5, int(score + 0.5)))  # half points round up (round() would round 4.5 to 4)
    verdict = {5: "on voice", 4: "mostly on voice", 3: "drifts from the voice", 2: "off voice", 1: "off voice"}[final]
    return ToneVerdict(score=final, verdict=verdict, notes=notes, judge="offline")


def judge(brain: object, text: str, bible: PersonaBrief) -> ToneVerdict:
    """The brain's own judge when it has one (Gemini), the offline heuristic otherwise or when the judge fails."""
    method = getattr(brain, "judge_tone", None)
    if method is None:
        return offline_tone(text, bible)
    from agent.brain.errors import KeyRejectedError

    try:
        return method(text, bible)
    except KeyRejectedError:
        raise
    except Exception:  # noqa: BLE001 - a failed judge must not block the draft; the offline score is shown
        verdict = offline_tone(text, bible)
        return verdict.model_copy(update={"notes": [*verdict.notes, "model judge unavailable"]})
