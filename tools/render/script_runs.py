"""Split a string into runs that one font face can draw, and put the runs in the order they appear on screen.

No bundled face covers every script ("Café 東京 مقهى שלום" needs a Latin, a CJK and an Arabic/Hebrew face), so a
mixed string is set as runs: one per script (fontTools' Unicode script property), each in the first face whose
cmap covers the whole run. Shaping and right-to-left order *inside* a run is the layout engine's job (raqm); the
order *between* runs is decided here with the reordering rule of the Unicode bidi algorithm (UAX #9 L2) for the
two levels a line of mixed brand copy needs: the paragraph direction comes from its first strong letter, and
consecutive runs against it are reversed as a block. No bidi library is installed in the project, so this small
part is hand-written; embedded explicit bidi controls (LRE, RLO…) are not interpreted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fontTools import unicodedata as ucd

NEUTRAL_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})  # Common (spaces, digits, punctuation), Inherited (marks)
BASE = "Zyyy"  # the script given to neutrals that take the paragraph's own direction


@dataclass(frozen=True)
class Run:
    """A piece of the string drawn in one face, in one direction."""

    text: str
    face: int  # index into the candidate faces, in preference order
    rtl: bool


def _is_rtl(script: str) -> bool:
    return ucd.script_horizontal_direction(script, "LTR") == "RTL"


def base_is_rtl(text: str) -> bool:
    """Paragraph direction (UAX #9 P2/P3): that of the first letter with a strong script; left to right if none."""
    for ch in text:
        script = ucd.script(ch)
        if script not in NEUTRAL_SCRIPTS:
            return _is_rtl(script)
    return False


def mixes_directions(text: str) -> bool:
    """Does the string have both left-to-right and right-to-left letters (so run order matters)?"""
    return len({_is_rtl(s) for s in map(ucd.script, text) if s not in NEUTRAL_SCRIPTS}) == 2


def script_chunks(text: str, base_rtl: bool) -> list[tuple[str, str]]:
    """(chunk, script) pieces in logical order; spaces, digits, punctuation and marks join a neighbouring script.

    A combining mark always stays with the letter before it. Other neutrals between two runs of the same direction
    join the run before them; between runs of opposite directions they go to the run that has the paragraph's
    direction (where UAX #9 N1/N2 would put them); at either end of the string they join the nearest run when it
    has the paragraph's direction, else stand alone in that direction (a "…" after a Hebrew word in an English
    line goes at the line's right end).
    """
    scripts = [ucd.script(ch) for ch in text]
    if all(s in NEUTRAL_SCRIPTS for s in scripts):
        return [(text, BASE)] if text else []
    owner = list(scripts)
    for i, s in enumerate(scripts):
        if s == "Zinh" and i > 0:
            owner[i] = owner[i - 1]
    i = 0
    while i < len(text):
        if owner[i] not in NEUTRAL_SCRIPTS:
            i += 1
            continue
        j = i
        while j < len(text) and owner[j] in NEUTRAL_SCRIPTS:
            j += 1
        before = owner[i - 1] if i > 0 else None
        after = owner[j] if j < len(text) else None
        if before is None or after is None:
            near = before or after or BASE  # one of them is a letter: the string has one
            pick = near if _is_rtl(near) == base_rtl else BASE
        elif before == after or _is_rtl(before) == _is_rtl(after):
            pick = before
        else:
            pick = before if _is_rtl(before) == base_rtl else after
        for k in range(i, j):
            owner[k] = pick
        i = j
    chunks: list[tuple[str, str]] = []
    for ch, script in zip(text, owner, strict=True):
        if chunks and chunks[-1][1] == script:
            chunks[-1] = (chunks[-1][0] + ch, script)
        else:
            chunks.append((ch, script))
    return chunks


def _faces_for(chunk: str, covers: Callable[[int, str], bool], faces: int) -> list[tuple[str, int]]:
    """The chunk in the first face covering all of it; else split character by character (neutrals stay with
    the current face when it has them). A character no face has goes to face 0, which draws its .notdef box."""
    visible = [ch for ch in chunk if not ch.isspace()]
    for face in range(faces):
        if all(covers(face, ch) for ch in visible):
            return [(chunk, face)]
    parts: list[tuple[str, int]] = []
    for ch in chunk:
        current = parts[-1][1] if parts else None
        if current is not None and (ch.isspace() or covers(current, ch)):
            parts[-1] = (parts[-1][0] + ch, current)
            continue
        face = next((f for f in range(faces) if covers(f, ch)), 0)
        if parts and parts[-1][1] == face:
            parts[-1] = (parts[-1][0] + ch, face)
        else:
            parts.append((ch, face))
    return parts


def logical_runs(text: str, covers: Callable[[int, str], bool], faces: int, base_rtl: bool) -> list[Run]:
    """Runs in reading order: per script, then per covering face; neighbours sharing face and direction merge."""
    runs: list[Run] = []
    for chunk, script in script_chunks(text, base_rtl):
        rtl = _is_rtl(script) if script not in NEUTRAL_SCRIPTS else base_rtl
        for part, face in _faces_for(chunk, covers, faces):
            if runs and runs[-1].face == face and runs[-1].rtl == rtl:
                runs[-1] = Run(runs[-1].text + part, face, rtl)
            else:
                runs.append(Run(part, face, rtl))
    return runs


def visual_order(runs: Sequence[Run], base_rtl: bool) -> list[Run]:
    """Left-to-right drawing order (UAX #9 L2 for two levels): blocks of runs against the paragraph direction
    are reversed, then the whole line is reversed when the paragraph is right to left."""
    out: list[Run] = []
    block: list[Run] = []
    for run in runs:
        if run.rtl != base_rtl:
            block.append(run)
            continue
        out += block[::-1]
        block = []
        out.append(run)
    out += block[::-1]
    return out[::-1] if base_rtl else out


def layout_runs(text: str, covers: Callable[[int, str], bool], faces: int,
                base_rtl: bool | None = None) -> list[Run]:
    """The runs of `text` in drawing order (left to right on screen)."""
    rtl = base_is_rtl(text) if base_rtl is None else base_rtl
    return visual_order(logical_runs(text, covers, faces, rtl), rtl)
