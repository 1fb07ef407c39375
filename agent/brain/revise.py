"""Deterministic, targeted episode revision for the offline brain.

Only the named episode changes, and its hinges stay put: the cold open still picks up the previous cliffhanger,
and the new cliffhanger keeps the old one's key words so the next episode's cold open still picks it up. The note
shows visibly in the result (the marketer must see their note was heard). The title stays: viewers see it, and
versions are counted by the store, not in the name.
"""

from __future__ import annotations

import re

from agent.brain.lint import key_words, scrub_episode
from agent.domain import WORDS_PER_SECOND, Arc, EpisodeScript, Line, PersonaBrief

DARKER = ("darker", "darkest", "scarier", "creepier", "sinister", "grittier", "more tense", "more suspense",
          "higher stakes", "more dramatic", "edgier")
LIGHTER = ("lighter", "funnier", "warmer", "softer", "more fun", "less dark", "cosier", "cozier", "happier")
SHORTER = ("shorter", "tighter", "trim", "cut", "too long", "faster", "quicker")
LONGER = ("longer", "extend", "too short", "more time")
PAD_LINE = "Wait. Say that again, slowly. Every single word of it."


def _has(note: str, words: tuple[str, ...]) -> bool:
    """Whether any of `words` appears in the note as a word or phrase."""
    lowered = note.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words)


def seconds_in(note: str) -> int | None:
    """"cut 10 seconds" / "10s shorter" → 10."""
    match = re.search(r"(\d+)\s*(?:seconds?|secs?|s)\b", note.lower())
    return int(match.group(1)) if match else None


def note_clause(note: str) -> str:
    """The note as a clause to weave into the story: "make episode 3 about the rival's sister" → "about the …"."""
    clause = re.sub(r"^\s*(please|can you|could you|pls)\s+", "", note.strip(), flags=re.IGNORECASE)
    clause = re.sub(r"\b(in\s+)?(episode|ep\.?)\s*#?\d+\b", "", clause, flags=re.IGNORECASE)
    clause = re.sub(r"^\s*(make|have|let|change|rewrite|revise|tweak)\s+(it\s+|this\s+|the episode\s+)?", "",
                    clause, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", clause).strip(" .!,;:") or note.strip()


def _is_protected(index: int, lines: list[Line], product_terms_hit: list[bool]) -> bool:
    """The opening, the cliffhanger line and any line naming the product survive every cut."""
    return index in (0, len(lines) - 1) or product_terms_hit[index]


def cut_lines(lines: list[Line], words_to_cut: float, product_hits: list[bool]) -> list[Line]:
    """Drop middle lines (never the opening, the product lines or the cliffhanger line) until enough is cut."""
    kept = list(lines)
    hits = list(product_hits)
    cut = 0
    index = len(kept) - 2
    while cut < words_to_cut and index > 0:
        if not _is_protected(index, kept, hits):
            cut += len(kept[index].text.split())
            del kept[index], hits[index]
        index -= 1
    return kept


DARK_TURNS = (
    ("The mood turns darker: this time someone could get hurt, and {lead} knows it.",
     "— and whoever is behind it is already watching from the dark?", "They're watching us. They've been watching all along."),
    ("A threat arrives with no name on it, and {lead} stops sleeping.",
     "— and the next warning is written on {lead}'s own door?", "Whoever wrote this knows where I live."),
    ("The stakes turn personal: the one person {lead} trusts most is now in danger.",
     "— and the phone line goes dead mid-sentence?", "If anything happens to them, it's on me."),
    ("Night falls early; every shadow in the scene could be the one {lead} fears.",
     "— and the lights go out, all at once?", "Don't move. Someone else is in here."),
)
PRODUCT_OUT = re.compile(r"\b(?:cut|remove|drop|lose|no|less|without|take\s+out|tone\s+down)\b.{0,30}\b(?:product|"
                         r"brand|plug|placement|sales?y)\b|\b(?:too\s+)?sales?y\b", re.IGNORECASE)


def _darken(episode: EpisodeScript, lead: str) -> EpisodeScript:
    """Darker stakes in the beat and a threat added to the cliffhanger (its key words kept for continuity);
    the kind of darkness varies with the episode, so two darker episodes never read alike."""
    beat, hook, said = DARK_TURNS[episode.number % len(DARK_TURNS)]
    base = episode.cliffhanger.rstrip(" ?.!")
    return episode.model_copy(update={
        "beat": f"{episode.beat} It turns darker: {beat.format(lead=lead)}",
        "cliffhanger": f"{base} {hook.format(lead=lead)}",
        "lines": [*episode.lines[:-1], Line(speaker=lead, text=said), episode.lines[-1]],
    })


def _soften_product(episode: EpisodeScript, names: set[str]) -> EpisodeScript:
    """"Cut the product" / "too salesy": the product leaves the dialogue and stays only as a glimpse in the scene
    (a season keeps its product moment; it just stops selling)."""
    hits = product_lines(episode, names)
    kept = [line for line, hit in zip(episode.lines, hits, strict=True) if not hit] or episode.lines[-1:]
    if kept[-1] != episode.lines[-1]:
        kept.append(episode.lines[-1])
    glimpse = "The product is only glimpsed in the background of the scene; nobody mentions it."
    return episode.model_copy(update={"lines": kept, "product_moment": glimpse})


def _lighten(episode: EpisodeScript, lead: str) -> EpisodeScript:
    """A warmer, funnier beat; the cliffhanger keeps its question."""
    return episode.model_copy(update={
        "beat": f"{episode.beat} Then the tension breaks into laughter for a moment, before it all comes back.",
        "lines": [*episode.lines[:-1], Line(speaker=lead, text="Okay, that was ridiculous. But also amazing."),
                  episode.lines[-1]],
    })


def _weave(episode: EpisodeScript, note: str, lead: str) -> EpisodeScript:
    """Any other note: into the beat as a direction for the scene (never pasted into what characters say)."""
    clause = note_clause(note)
    return episode.model_copy(update={
        "beat": f"{episode.beat} In this cut, the scene {clause if clause.split()[0].endswith('s') else 'leans into ' + clause}.",
        "lines": [*episode.lines[:-1], Line(speaker=lead, text="No. We do this differently this time."),
                  episode.lines[-1]],
    })


def product_lines(episode: EpisodeScript, names: set[str]) -> list[bool]:
    """Which lines carry the product: they share two or more key words with the product moment (names aside).

    The brief is not at hand in a revision, so the product moment is the best statement of what the product is.
    """
    anchor = key_words(episode.product_moment) - names
    return [len(key_words(line.text) & anchor) >= 2 for line in episode.lines]


def revise(arc: Arc, number: int, note: str, bible: PersonaBrief) -> EpisodeScript:
    """A new version of episode `number` following `note`; the arc itself is not modified."""
    if not 1 <= number <= len(arc.episodes):
        raise ValueError(f"this season has episodes 1–{len(arc.episodes)}; there is no episode {number}")
    episode = arc.episodes[number - 1].model_copy(deep=True)
    lead = next((m.name for m in arc.cast if m.role == "lead"), arc.cast[0].name if arc.cast else "Lead")
    changed = False
    if PRODUCT_OUT.search(note):
        episode, changed = _soften_product(episode, {m.name.lower() for m in arc.cast}), True
    if _has(note, DARKER):
        episode, changed = _darken(episode, lead), True
    elif _has(note, LIGHTER):
        episode, changed = _lighten(episode, lead), True
    if _has(note, SHORTER):
        seconds = seconds_in(note)
        to_cut = seconds * WORDS_PER_SECOND if seconds else episode.word_count * 0.25
        protected = product_lines(episode, {m.name.lower() for m in arc.cast})
        episode = episode.model_copy(update={"lines": cut_lines(episode.lines, to_cut, protected)})
        changed = True
    elif _has(note, LONGER):
        extra_lines = max(1, round((seconds_in(note) or 10) * WORDS_PER_SECOND / len(PAD_LINE.split())))
        pad = [Line(speaker=lead, text=PAD_LINE)] * extra_lines
        episode = episode.model_copy(update={"lines": [*episode.lines[:-1], *pad, episode.lines[-1]]})
        changed = True
    if not changed:
        episode = _weave(episode, note, lead)
    return scrub_episode(episode, bible)
