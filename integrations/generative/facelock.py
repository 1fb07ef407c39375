"""The face-lock, verified: every character's locked reference against every face in a keyframe or a clip's frames.

A shot keeps a character when the nearest face in the picture is within the lock distance of that character's
reference embedding. "No face found" counts as a miss (distance None). The report says, per character, the worst
distance and in how many shots it held — the figure the review card shows, e.g.
"Sofia: identity distance 0.41 (lock ≤ 0.50) in 9/9 shots".
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from pydantic import BaseModel, Field

from tools import identity


class ShotIdentity(BaseModel):
    """One character in one shot: the worst distance over its keyframe and sampled clip frames."""

    shot: str
    character: str
    distance: float | None  # None: the character's face was not found
    keyframe_candidates: int = 1
    clip_candidates: int = 0


class IdentityReport(BaseModel):
    """Every character's identity over an episode's shots, and how many regenerations it took."""

    threshold: float
    shots: list[ShotIdentity] = Field(default_factory=list)
    regenerations: int = 0
    unverified: list[str] = Field(default_factory=list)  # characters whose locked reference shows no face

    def characters(self) -> list[str]:
        return list(dict.fromkeys(s.character for s in self.shots))

    def held(self, row: ShotIdentity) -> bool:
        return row.distance is not None and row.distance <= self.threshold

    @property
    def flagged(self) -> bool:
        """True when some character is over the lock (or missing) in some shot."""
        return bool(self.unverified) or any(not self.held(row) for row in self.shots)

    def summary(self) -> list[str]:
        """One line per character: worst distance, lock, shots held — plus which shots missed, if any."""
        lines = []
        for name in self.characters():
            rows = [r for r in self.shots if r.character == name]
            held = [r for r in rows if self.held(r)]
            found = [r.distance for r in rows if r.distance is not None]
            worst = f"{max(found):.2f}" if found else "n/a (no face found)"
            line = f"{name}: identity distance {worst} (lock ≤ {self.threshold:.2f}) in {len(held)}/{len(rows)} shots"
            missed = [r for r in rows if not self.held(r)]
            if missed:
                line += " — over the lock in " + ", ".join(
                    f"{r.shot} ({'no face' if r.distance is None else f'{r.distance:.2f}'})" for r in missed)
            lines.append(line)
        lines += [f"{name}: identity not verified — the locked reference shows no face the face-lock can find"
                  for name in self.unverified]
        return lines


class FaceLock:
    """Reference embeddings by character name (computed once per render) and the checks against them."""

    def __init__(self, references: Mapping[str, Path | bytes], threshold: float) -> None:
        """Embed every reference; one without a face (a drawn portrait) is listed in `unverified`, not checked."""
        self.threshold = threshold
        self.embeddings: dict[str, list[float]] = {}
        self.unverified: list[str] = []
        for name, ref in references.items():
            try:
                self.embeddings[name] = identity.embed_reference(_image(ref))
            except identity.NoFaceError:
                self.unverified.append(name)

    def measure(self, picture: Path | bytes | np.ndarray, names: Sequence[str]) -> dict[str, float | None]:
        """Distance of each named character to the nearest face in the picture (None: no face at all)."""
        faces = identity.find_faces(_image(picture))
        return {name: identity.nearest(self.embeddings[name], faces) for name in names if name in self.embeddings}

    def measure_clip(self, clip: Path, names: Sequence[str], frames: int) -> dict[str, float | None]:
        """Worst distance per character over `frames` frames sampled evenly through the clip."""
        worst: dict[str, float | None] = {}
        for frame in sample_frames(clip, frames):
            for name, value in self.measure(frame, names).items():
                if name in worst and worst[name] is None:
                    continue
                worst[name] = None if value is None else max(value, worst.get(name) or 0.0)
        return worst

    def score(self, distances: Mapping[str, float | None]) -> float:
        """One number to compare candidates: the worst distance, a missing face worst of all."""
        return max((d if d is not None else float("inf") for d in distances.values()), default=0.0)

    def within(self, distances: Mapping[str, float | None]) -> bool:
        return self.score(distances) <= self.threshold


def sample_frames(clip: Path, count: int) -> list[np.ndarray]:
    """`count` RGB frames spread evenly through the clip (middles of equal parts: never a black first frame)."""
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(clip)],
                           capture_output=True, text=True, check=False).stderr
    import re

    size = re.search(r"Video: [^\n]*?(\d{2,5})x(\d{2,5})", probe)
    duration = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", probe)
    if not size or not duration:
        raise ValueError(f"{clip.name} is not a readable video")
    width, height = int(size.group(1)), int(size.group(2))
    seconds = int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3))
    from tools.render.probe import grab_frame

    return [grab_frame(clip, seconds * (i + 0.5) / count, width, height) for i in range(count)]


def _image(picture: Path | bytes | np.ndarray) -> Path | np.ndarray:
    if isinstance(picture, bytes):
        import io

        from PIL import Image

        with Image.open(io.BytesIO(picture)) as opened:
            return identity.load_rgb(opened)
    return picture
