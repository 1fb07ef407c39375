"""The episode's timeline: title card, three shots whose captions run at reading speed, end card.

With no voice track the pace is the reader's, so each caption stays up for its words at domain.WORDS_PER_SECOND
(with a floor so a one-word line can still be read). Times snap to whole frames so shot boundaries, caption
windows and the file's duration agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.domain import MAX_EPISODE_SECONDS, WORDS_PER_SECOND, EpisodeScript, Line
from tools.render.layout import SHOTS

TITLE_SECONDS = 1.5
END_SECONDS = 2.0
MIN_CAPTION_SECONDS = 1.2
MAX_CAPTION_WORDS = 12


@dataclass(frozen=True)
class Caption:
    """One on-screen caption and its window in episode time."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Shot:
    """A shot of the lead's card, with the captions spoken over it."""

    name: str
    start: float
    end: float
    captions: tuple[Caption, ...]

    @property
    def duration(self) -> float:
        """Seconds on screen."""
        return round(self.end - self.start, 6)


@dataclass(frozen=True)
class Timeline:
    """Title card [0, title_end), shots, end card [end_start, duration)."""

    title_end: float
    shots: tuple[Shot, ...]
    end_start: float
    duration: float
    fps: int

    @property
    def captions(self) -> list[Caption]:
        """Every caption in order."""
        return [c for shot in self.shots for c in shot.captions]


def snap(seconds: float, fps: int) -> float:
    """Round to a whole number of frames."""
    return round(round(seconds * fps) / fps, 6)


def reading_seconds(text: str) -> float:
    """How long a caption needs on screen at natural reading pace."""
    return max(MIN_CAPTION_SECONDS, len(text.split()) / WORDS_PER_SECOND)


def chunk(text: str, max_words: int = MAX_CAPTION_WORDS) -> list[str]:
    """Split a long line into caption-sized pieces of near-equal length (no piece is a lonely word)."""
    words = text.split()
    if len(words) <= max_words:
        return [" ".join(words)] if words else []
    pieces = -(-len(words) // max_words)
    size = -(-len(words) // pieces)
    return [" ".join(words[i:i + size]) for i in range(0, len(words), size)]


def group_lines(script: EpisodeScript) -> dict[str, list[Line]]:
    """Distribute the script's lines over the three shots; without lines, the beat texts are narrated.

    The beat takes the remainder (it is the escalation), and the cliffhanger always gets the last line. With
    fewer than three lines a shot may stay empty and is then left out.
    """
    lines = list(script.lines)
    if not lines:
        return {"cold_open": [Line(speaker="", text=script.cold_open)], "beat": [Line(speaker="", text=script.beat)],
                "cliffhanger": [Line(speaker="", text=script.cliffhanger)]}
    n = len(lines)
    if n == 1:
        return {"cold_open": [], "beat": [], "cliffhanger": lines}
    if n == 2:
        return {"cold_open": lines[:1], "beat": [], "cliffhanger": lines[1:]}
    third = n // 3
    return {"cold_open": lines[:third], "beat": lines[third:n - third], "cliffhanger": lines[n - third:]}


def build_timeline(script: EpisodeScript, fps: int = 30, title_s: float = TITLE_SECONDS,
                   end_s: float = END_SECONDS) -> Timeline:
    """Lay out the episode; raises ValueError when it would not fit TikTok's two-minute limit."""
    t = snap(title_s, fps)
    title_end = t
    shots: list[Shot] = []
    groups = group_lines(script)
    for name in SHOTS:
        start = t
        captions: list[Caption] = []
        for line in groups[name]:
            for piece in chunk(line.text):
                end = snap(t + reading_seconds(piece), fps)
                captions.append(Caption(line.speaker, piece, t, end))
                t = end
        if captions:
            shots.append(Shot(name, start, t, tuple(captions)))
    if not shots:
        raise ValueError(f"episode {script.number} has nothing to say: give it lines or beat texts")
    end_start = t
    duration = snap(t + end_s, fps)
    if duration >= MAX_EPISODE_SECONDS:
        raise ValueError(
            f"episode {script.number} would run {duration:.0f} s at reading pace; episodes stay under "
            f"{MAX_EPISODE_SECONDS} s — cut about {int((duration - MAX_EPISODE_SECONDS + 1) * WORDS_PER_SECOND) + 1}"
            " words"
        )
    return Timeline(title_end, tuple(shots), end_start, duration, fps)
