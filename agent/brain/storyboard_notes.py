"""Per-shot change requests ("ep 3 shot 4: close-up on Ronan instead") applied to a storyboard, without a model.

A reviewer who looks at the contact sheet asks for one shot to change; this turns the note into an edit of that
shot only (type, who is in frame, where, camera, length, or cutting it), and says in words what it did, or why it
could not. The conversation layer decides which episode the note is for and re-renders only that episode.
"""

from __future__ import annotations

import re

from agent.brain.storyboard import LOCATION_NAMES, LOCATION_WORDS, is_narrator
from agent.domain import CameraMove, FramePosition, InFrame, ShotType, Storyboard

SHOT_REF = re.compile(r"\bshot\s*#?\s*(\d{1,2})\b", re.IGNORECASE)
EPISODE_REF = re.compile(r"\b(?:ep|episode)\.?\s*#?\s*(\d{1,2})\b", re.IGNORECASE)
TYPE_WORDS: list[tuple[str, ShotType]] = [
    (r"close[- ]?up|closeup|\bcu\b", ShotType.CLOSE_UP), (r"over[- ]the[- ]shoulder|\bots\b",
                                                          ShotType.OVER_THE_SHOULDER),
    (r"two[- ]shot|both of them", ShotType.TWO_SHOT), (r"establishing", ShotType.ESTABLISHING),
    (r"\bwide\b", ShotType.WIDE), (r"reaction", ShotType.REACTION), (r"\binsert\b", ShotType.INSERT),
    (r"product[- ]?(?:hero|shot)|hero shot|pack ?shot", ShotType.PRODUCT_HERO), (r"\bsingle\b", ShotType.SINGLE),
]
CAMERA_WORDS: list[tuple[str, CameraMove]] = [
    (r"push(?:es|ing)?[- ]in|zoom(?:s|ing)? in|dolly in", CameraMove.PUSH_IN),
    (r"pull(?:s|ing)?[- ](?:out|back)|zoom(?:s|ing)? out", CameraMove.PULL_OUT),
    (r"\bpan", CameraMove.PAN), (r"hand[- ]?held|shaky", CameraMove.HANDHELD),
    (r"static|locked[- ]off|still camera", CameraMove.STATIC),
]


class ShotNoteError(ValueError):
    """The note names no shot, a shot that does not exist, or asks for nothing this function can do."""


def note_target(note: str) -> tuple[int | None, int | None]:
    """(episode, shot) numbers named in a note; None where it names none."""
    ep, shot = EPISODE_REF.search(note), SHOT_REF.search(note)
    return (int(ep.group(1)) if ep else None, int(shot.group(1)) if shot else None)


def apply_shot_note(board: Storyboard, note: str, cast: list[str], locations: list[str]
                    ) -> tuple[Storyboard, str]:
    """The storyboard with one shot changed as the note asks, and a sentence saying what changed."""
    _ep, number = note_target(note)
    if number is None:
        raise ShotNoteError("say which shot to change, e.g. “shot 4: close-up on Ronan instead”")
    if not 1 <= number <= len(board.shots):
        raise ShotNoteError(f"episode {board.episode} has shots 1–{len(board.shots)}; there is no shot {number}")
    text = SHOT_REF.sub(" ", EPISODE_REF.sub(" ", note))
    shot = board.shots[number - 1]
    if re.search(r"\b(cut|drop|remove|delete)\b", text, re.IGNORECASE):
        if shot.lines:
            raise ShotNoteError(f"shot {number} carries lines ({shot.lines[0].text[:40]}…); change it instead of "
                                "cutting it, or cut the line from the script")
        shots = [s.model_copy(update={"number": i}) for i, s in enumerate(
            (s for s in board.shots if s.number != number), 1)]
        return board.model_copy(update={"shots": shots, "length_s": round(sum(s.duration_s for s in shots), 2)}), \
            f"cut shot {number}"
    changes: dict[str, object] = {}
    said: list[str] = []
    for pattern, kind in TYPE_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            changes["type"] = kind
            said.append(kind.value)
            break
    named = [n for n in cast if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.IGNORECASE)]
    if named:
        kind = changes.get("type", shot.type)
        if kind == ShotType.OVER_THE_SHOULDER and len(named) == 1:
            others = [n for n in shot.names if n != named[0]][:1]
            frame = [InFrame(name=o, position=FramePosition.FOREGROUND) for o in others]
            frame.append(InFrame(name=named[0], position=FramePosition.RIGHT))
        elif len(named) == 1:
            frame = [InFrame(name=named[0], position=FramePosition.CENTER)]
        else:
            frame = [InFrame(name=n, position=p) for n, p in zip(named[:2], (FramePosition.LEFT, FramePosition.RIGHT),
                                                                  strict=False)]
        changes["characters"] = frame
        changes["speaker"] = named[0]
        said.append("on " + " and ".join(named[:2]))
        speakers = {ln.speaker for ln in shot.lines if not is_narrator(ln.speaker)}
        if speakers - {f.name for f in frame}:
            changes["voice_over"] = True  # whoever speaks but is no longer in frame is heard off screen
    for key in locations:
        words = next((w for k, w in LOCATION_WORDS.items() if k.value == key), (key,))
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words):
            changes["location"] = key
            said.append("at " + next((v for k, v in LOCATION_NAMES.items() if k.value == key), key))
            break
    for pattern, move in CAMERA_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            changes["camera"] = move
            said.append(f"camera {move.value}")
            break
    seconds = re.search(r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)\b", text, re.IGNORECASE)
    if seconds:
        changes["duration_s"] = max(0.5, float(seconds.group(1)))
        said.append(f"{float(seconds.group(1)):g} s")
    elif re.search(r"\blonger\b|\bhold\b", text, re.IGNORECASE):
        changes["duration_s"] = round(shot.duration_s * 1.3, 2)
        said.append("held longer")
    elif re.search(r"\bshorter\b|\bquicker\b|\bfaster\b", text, re.IGNORECASE):
        changes["duration_s"] = round(max(0.5, shot.duration_s * 0.75), 2)
        said.append("shorter")
    if changes.get("type") in (ShotType.INSERT, ShotType.PRODUCT_HERO):
        changes["product"] = True
    if not changes:
        raise ShotNoteError(f"I couldn't tell what to change in shot {number}: name a shot type (close-up, wide, "
                            f"two-shot…), who is in frame ({', '.join(cast)}), a place or a camera move")
    shots = list(board.shots)
    shots[number - 1] = shot.model_copy(update=changes)
    new = board.model_copy(update={"shots": shots, "length_s": round(sum(s.duration_s for s in shots), 2)})
    return new, f"shot {number}: " + ", ".join(said)
