"""Reads show-bible changes out of a marketer's message: banned words, voice, vocabulary, do's and don'ts.

Deterministic on purpose, for both brains: a bible is a contract ("never say 'cheap'"), so what it contains must
be exactly what the marketer typed, never a model's paraphrase. Returns None when the message is not about the
bible, so every other message goes on to the stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTED = re.compile(r"[\"“”'‘’`]([^\"“”'‘’`]{1,60})[\"“”'‘’`]")
BAN = re.compile(
    r"\b(?:never\s+(?:say|use|write)|don'?t\s+(?:ever\s+)?(?:say|use)|do\s+not\s+(?:say|use)|stop\s+(?:saying|using)"
    r"|avoid\s+(?:saying|the\s+words?)|avoid(?=\s+[\"“'‘])|ban(?:\s+the\s+words?)?|banned\s+words?\s*(?::|are|is))"
    r"\s+(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
ALLOW = re.compile(r"\b(?:unban|allow|you\s+can\s+(?:say|use))\s+(?P<rest>.+?)(?:\s+again)?[.!]?$",
                   re.IGNORECASE | re.DOTALL)
VOICE = re.compile(r"^\s*(?:(?:the|our|make\s+the|set\s+the)\s+)?(?:voice|brand\s+voice|tone\s+of\s+voice)"
                   r"\s*(?::|=|\bis\b|\bshould\s+be\b|\bto\b)\s*(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
VOCAB = re.compile(r"^\s*(?:vocabulary|use\s+words\s+like|favou?r\s+(?:the\s+)?words?)\s*:?\s*(?P<rest>.+)$",
                   re.IGNORECASE | re.DOTALL)
DO = re.compile(r"^\s*(?:bible\s+)?do\s*:\s*(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
DONT = re.compile(r"^\s*(?:bible\s+)?(?:don'?t|do\s+not)\s*:\s*(?P<rest>.+)$", re.IGNORECASE | re.DOTALL)
SHOW = re.compile(r"^\s*(?:show|what'?s|what\s+is|see|print)\s+(?:me\s+)?(?:the\s+|our\s+)?(?:show\s+)?"
                  r"(?:bible|persona\s+brief)\b", re.IGNORECASE)
WORD_SPLIT = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b|\bnor\b)\s*", re.IGNORECASE)
# Phrases that start an arc revision, not a bible rule ("don't use the rival in ep 3").
EPISODE_REF = re.compile(r"\b(?:ep|episode)\.?\s*\d", re.IGNORECASE)


@dataclass
class BibleChange:
    """What a message asks to change in the bible (empty lists = nothing of that kind)."""

    ban: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    voice: str | None = None
    vocabulary: list[str] = field(default_factory=list)
    dos: list[str] = field(default_factory=list)
    donts: list[str] = field(default_factory=list)
    show: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing changes and nothing was asked."""
        return not (self.ban or self.allow or self.voice or self.vocabulary or self.dos or self.donts or self.show)


def words_in(rest: str) -> list[str]:
    """Quoted words if any ("never say 'cheap' or 'guarantee'"), else a comma/or-separated list."""
    quoted = [q.strip() for q in QUOTED.findall(rest) if q.strip()]
    if quoted:
        return list(dict.fromkeys(quoted))
    rest = re.sub(r"\b(?:the\s+words?|words?\s+like|again|anymore|any\s+more|ever|please|anywhere|at\s+all|"
                  r"in\s+(?:any|every)\s+(?:episode|script|line)s?|in\s+the\s+(?:show|season|scripts?)|"
                  r"for\s+(?:legal|brand)\s+reasons|thanks?)\b", " ", rest, flags=re.IGNORECASE)
    items = [w.strip(" .!?:\"'") for w in WORD_SPLIT.split(rest)]
    return list(dict.fromkeys(w for w in items if w and len(w.split()) <= 3))


def parse_bible_change(text: str) -> BibleChange | None:
    """The bible change a message asks for, or None when it is not about the bible."""
    cleaned = text.strip()
    if not cleaned or EPISODE_REF.search(cleaned):
        return None
    if SHOW.search(cleaned):
        return BibleChange(show=True)
    if match := DONT.match(cleaned):
        return BibleChange(donts=[match["rest"].strip().rstrip(".")])
    if match := DO.match(cleaned):
        return BibleChange(dos=[match["rest"].strip().rstrip(".")])
    if match := VOICE.match(cleaned):
        return BibleChange(voice=match["rest"].strip().rstrip("."))
    if match := VOCAB.match(cleaned):
        return BibleChange(vocabulary=words_in(match["rest"]))
    if match := ALLOW.search(cleaned):
        words = words_in(match["rest"])
        return BibleChange(allow=words) if words else None
    if match := BAN.search(cleaned):
        words = words_in(match["rest"])
        return BibleChange(ban=words) if words else None
    return None
