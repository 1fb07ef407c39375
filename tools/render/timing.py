"""The episode's timeline: title card, three shots whose captions run at reading speed or at the voice's, end card.

With no voice track the pace is the reader's, so each caption stays up for its words at domain.WORDS_PER_SECOND
(with a floor so a one-word line can still be read). With a voice the pace is the speaker's: each line's caption
window is its spoken clip's duration, and lines follow each other with a short breath between them. Times snap to
whole frames so shot boundaries, caption windows and the file's duration agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.domain import MAX_EPISODE_SECONDS, WORDS_PER_SECOND, EpisodeScript, Line
from tools.render.layout import SHOTS

TITLE_SECONDS = 1.5
END_SECONDS = 2.0
MIN_CAPTION_SECONDS = 1.2
MAX_CAPTION_WORDS = 12
LINE_GAP_SECONDS = 0.25  # the breath between two spoken lines


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


def spoken_lines(script: EpisodeScript) -> list[Line]:
    """Every line in the order it is heard (the shots' order): what a voice must synthesise."""
    groups = group_lines(script)
    return [line for name in SHOTS for line in groups[name]]


def snap_up(seconds: float, fps: int) -> float:
    """Round up to a whole number of frames (a caption must not end before its speech does)."""
    frames = seconds * fps
    return round(-(-round(frames, 6) // 1) / fps, 6)


def _finish(script: EpisodeScript, title_end: float, shots: list[Shot], t: float, end_s: float,
            fps: int, pace: str) -> Timeline:
    if not shots:
        raise ValueError(f"episode {script.number} has nothing to say: give it lines or beat texts")
    duration = snap(t + end_s, fps)
    if duration >= MAX_EPISODE_SECONDS:
        raise ValueError(
            f"episode {script.number} would run {duration:.0f} s at {pace}; episodes stay under "
            f"{MAX_EPISODE_SECONDS} s — cut about {int((duration - MAX_EPISODE_SECONDS + 1) * WORDS_PER_SECOND) + 1}"
            " words"
        )
    return Timeline(title_end, tuple(shots), t, duration, fps)


def build_timeline(script: EpisodeScript, fps: int = 30, title_s: float = TITLE_SECONDS,
                   end_s: float = END_SECONDS) -> Timeline:
    """Lay out the episode at reading pace; raises ValueError when it would not fit TikTok's two-minute limit."""
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
    return _finish(script, title_end, shots, t, end_s, fps, "reading pace")


def build_voiced_timeline(script: EpisodeScript, clip_seconds: list[float], fps: int = 30,
                          title_s: float = TITLE_SECONDS, end_s: float = END_SECONDS,
                          gap_s: float = LINE_GAP_SECONDS) -> tuple[Timeline, list[float]]:
    """Lay out the episode at the voice's pace; returns the timeline and each spoken line's start.

    `clip_seconds` holds one duration per line of `spoken_lines(script)`. A line's caption window is its clip's
    duration (rounded up to whole frames); a line too long for one caption is split into pieces that share the
    window by word count. Each line is followed by `gap_s` of silence with no caption.
    """
    if len(clip_seconds) != len(spoken_lines(script)):
        raise ValueError(f"{len(clip_seconds)} clips for {len(spoken_lines(script))} spoken lines")
    t = snap(title_s, fps)
    title_end, gap = t, snap(gap_s, fps)
    shots: list[Shot] = []
    starts: list[float] = []
    durations = iter(clip_seconds)
    groups = group_lines(script)
    for name in SHOTS:
        start = t
        captions: list[Caption] = []
        for line in groups[name]:
            starts.append(t)
            line_end = snap_up(t + max(next(durations), 1 / fps), fps)
            pieces = chunk(line.text) or [line.text]
            words = sum(len(p.split()) for p in pieces) or 1
            cursor, said = t, 0
            for i, piece in enumerate(pieces):
                said += len(piece.split())
                end = line_end if i == len(pieces) - 1 else max(snap(t + (line_end - t) * said / words, fps),
                                                                 snap(cursor + 1 / fps, fps))
                captions.append(Caption(line.speaker, piece, cursor, end))
                cursor = end
            t = snap(line_end + gap, fps)
        if captions:
            shots.append(Shot(name, start, t, tuple(captions)))
    return _finish(script, title_end, shots, t, end_s, fps, "its spoken pace"), starts
