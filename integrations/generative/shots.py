"""One shot, generated and verified: keyframe candidates until the face-lock holds, then motion, checked again.

Every paid call goes through the spend gate first (`spend.authorize`: the estimate must still be approved and the
call must fit in it) and is recorded after (`spend.record`, with the seconds it took: the measured rates of the next
estimate). A cancelled estimate stops the shot at the next call; a regeneration that would pass the approved amount is
skipped and the best candidate so far is kept (and flagged if it misses the lock).

Generated files are cached under the output folder by a hash of what was asked, so a retried job or a re-render of
the same inputs does not pay twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import imageio_ffmpeg
from PIL import Image

from agent.services import spend
from agent.store.db import Store
from integrations.gemini.keyframes import GeminiKeyframes, KeyframeBlocked
from integrations.gemini.veo import VeoClient
from integrations.generative.facelock import FaceLock
from integrations.generative.plan import ShotPlan, chunks
from integrations.generative.settings import GenerativeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class ShotResult:
    """What one shot ended with."""

    keyframe: Path
    clip: Path | None
    distances: dict[str, float | None]  # worst over the keyframe and the clip's sampled frames
    keyframe_candidates: int = 1
    clip_candidates: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ShotMaker:
    """Makes shots for one episode under one approved estimate."""

    cfg: GenerativeSettings
    store: Store
    estimate_id: int
    episode: int
    keyframes: GeminiKeyframes
    veo: VeoClient | None
    lock: FaceLock
    work: Path
    clock: Callable[[], float] = time.monotonic
    reserved_usd: float = 0.0  # base cost of the shots still to come: regenerations may never eat into it

    def base_cost(self, shot: ShotPlan) -> float:
        """What a shot costs without any regeneration: one keyframe, and its clips when Veo makes the motion."""
        clips = sum(chunks(shot.duration)) * self._veo_price() if self.veo is not None else 0.0
        return self.cfg.keyframe_usd + clips

    def _veo_price(self) -> float:
        return self.cfg.veo_audio_usd_per_second if self.cfg.dialogue == "veo" else self.cfg.veo_usd_per_second

    def make(self, shot: ShotPlan, prompt: str, motion: str, refs: list[bytes], location: bytes | None) -> ShotResult:
        """The shot's keyframe (and clip): cached when the same inputs were made before."""
        key = _digest(self.cfg.image_model, self.cfg.veo_model if self.veo else "camera", prompt, motion,
                      f"{shot.duration:.3f}", *refs, location or b"")
        manifest = self.work / f"ep{self.episode:02d}-{shot.name}-{key[:16]}.json"
        if manifest.exists():
            cached = json.loads(manifest.read_text())
            result = ShotResult(Path(cached["keyframe"]), Path(cached["clip"]) if cached["clip"] else None,
                                cached["distances"], cached["keyframe_candidates"], cached["clip_candidates"])
            if result.keyframe.exists() and (result.clip is None or result.clip.exists()):
                return result
        result = self._generate(shot, prompt, motion, refs, location, manifest.with_suffix(""))
        manifest.write_text(json.dumps({"keyframe": str(result.keyframe), "clip": str(result.clip or "") or None,
                                        "distances": result.distances,
                                        "keyframe_candidates": result.keyframe_candidates,
                                        "clip_candidates": result.clip_candidates}))
        return result

    def _generate(self, shot: ShotPlan, prompt: str, motion: str, refs: list[bytes], location: bytes | None,
                  stem: Path) -> ShotResult:
        best: tuple[float, bytes, dict[str, float | None]] | None = None
        tried, blocked = 0, None
        clips_to_come = self.base_cost(shot) - self.cfg.keyframe_usd
        for _ in range(self.cfg.max_candidates):
            if best is not None and not self._affordable(self.cfg.keyframe_usd, clips_to_come):
                break
            try:
                image = self._paid("keyframe", 1, self.cfg.keyframe_usd,
                                   lambda: self.keyframes.generate(prompt, refs, location))
            except KeyframeBlocked as error:
                blocked = error
                tried += 1
                continue
            tried += 1
            distances = self.lock.measure(image, shot.characters)
            score = self.lock.score(distances)
            log.info("ep %d %s keyframe %d: %s", self.episode, shot.name, tried, distances)
            if best is None or score < best[0]:
                best = (score, image, distances)
            if self.lock.within(distances):
                break
        if best is None:
            raise blocked or KeyframeBlocked("no keyframe could be made")
        keyframe = stem.with_suffix(".png")
        keyframe.write_bytes(best[1])
        result = ShotResult(keyframe, None, dict(best[2]), keyframe_candidates=tried)
        if self.veo is not None:
            self._motion(shot, motion, result, stem)
        return result

    def _motion(self, shot: ShotPlan, prompt: str, result: ShotResult, stem: Path) -> None:
        """Veo clips for the shot (8 s pieces, each continuing from the last frame of the one before)."""
        assert self.veo is not None
        price = self._veo_price()
        best: tuple[float, Path, dict[str, float | None]] | None = None
        tried = 0
        for candidate in range(self.cfg.max_candidates):
            pieces = chunks(shot.duration)
            cost = sum(pieces) * price
            if best is not None and not self._affordable(cost):
                break
            start_image = result.keyframe.read_bytes()
            paths = []
            for index, seconds in enumerate(pieces):
                path = stem.with_name(f"{stem.name}-c{candidate}-{index}.mp4")
                image = start_image
                self._paid("veo", seconds, price, lambda i=image, s=seconds, p=path: self.veo.generate(i, prompt, s, p))
                paths.append(path)
                start_image = _last_frame_png(path)
            clip = paths[0] if len(paths) == 1 else _concat(paths, stem.with_name(f"{stem.name}-c{candidate}.mp4"))
            tried += 1
            distances = self.lock.measure_clip(clip, shot.characters, self.cfg.frames_per_clip)
            log.info("ep %d %s clip %d: %s", self.episode, shot.name, tried, distances)
            score = self.lock.score(distances)
            if best is None or score < best[0]:
                best = (score, clip, distances)
            if self.lock.within(distances):
                break
        assert best is not None
        result.clip, result.clip_candidates = best[1], tried
        for name, value in best[2].items():
            before = result.distances.get(name)
            result.distances[name] = None if value is None or before is None else max(value, before)

    def _affordable(self, amount: float, also_needed: float = 0.0) -> bool:
        """Whether a regeneration still fits in the approved amount beside the base calls still to come (this
        shot's `also_needed` and the later shots' `reserved_usd`); a cancelled estimate raises instead."""
        try:
            spend.authorize(self.store, self.estimate_id, amount + also_needed + self.reserved_usd)
        except spend.BudgetExceeded:
            log.warning("ep %d: a regeneration would pass the approved spend; keeping the best so far", self.episode)
            return False
        return True

    def _paid(self, kind: str, units: float, unit_usd: float, call: Callable[[], T]) -> T:
        """Authorize, call, record the cost and the seconds it took (failed calls cost nothing)."""
        amount = units * unit_usd
        spend.authorize(self.store, self.estimate_id, amount)
        started = self.clock()
        value = call()
        spend.record(self.store, self.estimate_id, self.episode, kind, units, amount, self.clock() - started)
        return value


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _last_frame_png(clip: Path) -> bytes:
    """The clip's last frame as PNG (where the next piece of a long shot continues from)."""
    out = clip.with_suffix(".last.png")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-nostdin", "-sseof", "-0.2",
                    "-i", str(clip), "-frames:v", "1", "-update", "1", str(out)], check=True, capture_output=True)
    with Image.open(out) as image:
        image.load()
    return out.read_bytes()


def _concat(paths: list[Path], out: Path) -> Path:
    """Join a long shot's pieces (same codec and size: stream copy)."""
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in paths))
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-nostdin", "-f", "concat",
                    "-safe", "0", "-i", str(listing), "-c", "copy", str(out)], check=True, capture_output=True)
    return out
