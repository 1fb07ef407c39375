"""HeyGenBackend: the lead as a HeyGen avatar, each shot's take composited into the locked look.

HeyGen makes the performance, we keep the look: for every shot one HeyGen video is generated (one scene per line,
the lead's avatar speaking it on a background of the locked background colour), downloaded, and laid into the
portrait card's box of our own layers — background, title and end cards, logo and captions are the local
renderer's, so the palette, fonts and framing are the same as every locally rendered episode and the same
continuity checks apply. The shot lasts as long as its take; captions share the take by word count. One ffmpeg
run per file (the takes are extra inputs of the same filter graph).

Takes are cached under the output folder by a hash of what was asked, so re-rendering the same request does not
pay HeyGen twice and gives the same file.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from agent.domain import Line
from agent.ports import RenderOutput, RenderRequest
from integrations.heygen.client import HeyGenClient
from integrations.heygen.settings import HeyGenSettings
from tools.render.encode import EncodePlan, VideoOverlay
from tools.render.layers import shot_still
from tools.render.layout import SHOTS, portrait_box
from tools.render.local import LocalRenderer, _save_png, card_stills
from tools.render.probe import probe
from tools.render.timing import Timeline, build_voiced_timeline, group_lines
from tools.voice.casting import cast_voices
from tools.voice.wav import Placement


@dataclass(frozen=True)
class Take:
    """One shot's avatar video and how long it runs."""

    path: Path
    duration: float


class HeyGenBackend(LocalRenderer):
    """A VideoBackend: HeyGen performs, the local layers frame it."""

    name = "heygen"

    def __init__(self, client: HeyGenClient, avatar_id: str, voice_id: str, *, avatar_style: str = "normal",
                 support_voice_ids: tuple[str, ...] = (), ffmpeg: str | None = None, threads: int = 0) -> None:
        """`voice_id` is the lead's HeyGen voice; supporting speakers get one of `support_voice_ids` by name."""
        super().__init__(ffmpeg=ffmpeg, threads=threads)
        self.client = client
        self.avatar_id = avatar_id
        self.voice_id = voice_id
        self.avatar_style = avatar_style
        self.support_voice_ids = support_voice_ids
        self._lock = threading.Lock()  # the takes of the render in progress live on the instance
        self._takes: dict[str, Take] = {}

    def render(self, request: RenderRequest) -> RenderOutput:
        """Render through the local pipeline with HeyGen takes in the card; the output says it is voiced."""
        with self._lock:
            self._takes = {}
            output = super().render(request)
        return output.model_copy(update={"voiced": True, "voice": f"heygen avatar {self.avatar_id}"})

    # -- HeyGen ------------------------------------------------------------------------------------------------
    def video_inputs(self, request: RenderRequest, lines: list[Line]) -> list[dict[str, Any]]:
        """One HeyGen scene per line: the lead's avatar speaking it over the locked background colour."""
        voices = (self.voice_id, *[v for v in self.support_voice_ids if v != self.voice_id])
        lead = request.lead.model_copy(update={"voice": self.voice_id})
        cast = cast_voices(lead, [line.speaker for line in lines], voices)
        return [{"character": {"type": "avatar", "avatar_id": self.avatar_id, "avatar_style": self.avatar_style},
                 "voice": {"type": "text", "input_text": line.text, "voice_id": cast[line.speaker]},
                 "background": {"type": "color", "value": request.look.palette.background}}
                for line in lines]

    def _take(self, request: RenderRequest, shot: str, lines: list[Line]) -> Take:
        """Generate (or reuse) the shot's take; HeyGen is asked for the full 9:16 frame."""
        inputs = self.video_inputs(request, lines)
        key = hashlib.sha256(json.dumps([self.avatar_id, request.width, request.height, inputs],
                                        sort_keys=True).encode()).hexdigest()[:20]
        cache = Path(request.out_dir) / ".heygen"
        cache.mkdir(parents=True, exist_ok=True)
        path = cache / f"{shot}-{key}.mp4"
        if not path.is_file():
            video_id = self.client.generate(inputs, request.width, request.height,
                                            title=f"Ep {request.script.number} · {shot}")
            self.client.download(self.client.wait(video_id), path)
        return Take(path, probe(path, self._ffmpeg).duration_s)

    # -- the local pipeline, paced by the takes --------------------------------------------------------------------
    def timeline(self, request: RenderRequest, tmp: Path) -> tuple[Timeline, list[Placement]]:
        """Each shot lasts as long as its take; its lines share the take by word count (no separate speech)."""
        groups = group_lines(request.script)
        seconds: list[float] = []
        for shot in SHOTS:
            lines = groups[shot]
            if not lines:
                continue
            take = self._takes[shot] = self._take(request, shot, lines)
            words = [max(1, len(line.text.split())) for line in lines]
            seconds += [take.duration * w / sum(words) for w in words]
        timeline, _ = build_voiced_timeline(request.script, seconds, fps=request.fps, gap_s=0.0)
        return timeline, []

    def _stills(self, request: RenderRequest, portrait: Image.Image, tmp: Path) -> dict[str, Path]:
        """Like the local stills, but shots are not oversized: the take sits still in the card's box."""
        w, h, look = request.width, request.height, request.look
        stills = {name: _save_png(shot_still(look, portrait, name, w, h, 0), tmp / f"{name}.png") for name in SHOTS}
        return stills | card_stills(request, tmp)

    def _overlays(self, request: RenderRequest, timeline: Timeline, until: float | None = None,
                  offset: float = 0.0) -> tuple[VideoOverlay, ...]:
        overlays = []
        for shot in timeline.shots:
            if until is not None and shot.start - offset >= until:
                continue
            box = portrait_box(request.look.framing, shot.name, request.width, request.height)
            end = shot.end - offset if until is None else min(shot.end - offset, until)
            overlays.append(VideoOverlay(self._takes[shot.name].path, round(shot.start - offset, 6),
                                         round(end - (shot.start - offset), 6), (box.x, box.y, box.w, box.h)))
        return tuple(overlays)

    def _episode_plan(self, request: RenderRequest, timeline: Timeline, stills: dict[str, Path],
                      captions: Any, tmp: Path, audio: Path | None = None, gain: float = 0.0) -> EncodePlan:
        plan = super()._episode_plan(request, timeline, stills, captions, tmp)
        segments = [s if s.margin == 0 else type(s)(s.image, s.duration) for s in plan.segments]
        return _with(plan, segments=segments, overlays=self._overlays(request, timeline))

    def _teaser_plan(self, request: RenderRequest, timeline: Timeline, stills: dict[str, Path],
                     captions: Any, tmp: Path, speech: list[Placement] | None = None,
                     gain: float = 0.0) -> EncodePlan:
        plan = super()._teaser_plan(request, timeline, stills, captions, tmp)
        segments = [s if s.margin == 0 else type(s)(s.image, s.duration) for s in plan.segments]
        first = timeline.shots[0]
        body = segments[0].duration
        return _with(plan, segments=segments,
                     overlays=self._overlays(request, timeline, until=body, offset=first.start)[:1])


def _with(plan: EncodePlan, **changes: Any) -> EncodePlan:
    from dataclasses import replace

    return replace(plan, **changes)


def from_settings(**values: Any) -> HeyGenBackend:
    """Plug-in factory (entry point `heygen`): HEYGEN_API_KEY, HEYGEN_AVATAR_ID, HEYGEN_VOICE_ID (HeyGenSettings)."""
    cfg = HeyGenSettings.from_values(values)
    key = cfg.api_key.get_secret_value() if cfg.api_key else ""
    if not key or not cfg.avatar_id:
        raise ValueError("the heygen backend needs HEYGEN_API_KEY and HEYGEN_AVATAR_ID")
    if not cfg.voice_id:
        raise ValueError("the heygen backend needs HEYGEN_VOICE_ID (the lead's HeyGen voice)")
    return HeyGenBackend(HeyGenClient(key, cfg.base_url), cfg.avatar_id, cfg.voice_id)
