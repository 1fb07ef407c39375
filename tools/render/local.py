"""LocalRenderer: the default VideoBackend — Pillow stills + one ffmpeg run per file, no network, no GPU.

Outputs (in request.out_dir): epNN.mp4 (the episode), epNN_cover.png, epNN_teaser.mp4 (the cold open, 5–7 s,
closing on a "New episode" card). Every file is written under a temp name and renamed into place.

With a Voice that has voices, every line is synthesised first (the lead in the lock's voice), the timeline is
paced by the clips, and the clips are laid on one speech track that the same single ffmpeg run normalises and
encodes. Without one the render is silent and captions run at reading speed, exactly as before.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from agent.ports import RenderOutput, RenderRequest, Voice
from tools.render.captions import caption_image, caption_layout
from tools.render.encode import CaptionCue, EncodePlan, Segment, encode, speech_gain_db, write_caption_track
from tools.render.layers import cover, end_card, load_portrait, shot_still, title_card
from tools.render.layout import caption_centre, caption_max_width, drift_margin
from tools.render.timing import Timeline, build_timeline, build_voiced_timeline, snap, spoken_lines
from tools.voice.casting import cast_voices
from tools.voice.wav import Placement, build_track

# A teaser is a hook, not a recap: 3–5 s of the cold open plus the card (5–7 s; the format allows up to 10).
TEASER_MIN, TEASER_MAX, TEASER_CARD = 5.0, 7.0, 2.0


@dataclass(frozen=True)
class CaptionSet:
    """Rendered caption canvases, the transparent filler, and where the canvas sits in the frame."""

    cues: list[CaptionCue]
    blank: Path
    xy: tuple[int, int]


def _even(n: int) -> int:
    return n - n % 2


def file_sha256(path: Path) -> str:
    """sha256 of a file, streamed (videos can be tens of MB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _save_png(img: Image.Image, path: Path) -> Path:
    # compress_level=1: these PNGs live for seconds; zlib effort is wasted time
    img.save(path, format="PNG", compress_level=1)
    return path


def _save_final_png(img: Image.Image, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.part")
    img.save(tmp, format="PNG")
    tmp.replace(path)
    return path


def card_stills(request: RenderRequest, tmp: Path) -> dict[str, Path]:
    """The title card, the cliffhanger end card and the teaser's "New episode" card — the same for every backend."""
    w, h, look, script = request.width, request.height, request.look, request.script
    return {
        "title": _save_png(title_card(look, script, request.season_title, w, h), tmp / "title.png"),
        "end": _save_png(end_card(look, "To be continued…", script.cliffhanger, request.next_episode_label, w, h),
                         tmp / "end.png"),
        "teaser_end": _save_png(end_card(look, "New episode", f"Ep {script.number} · {script.title}",
                                         request.next_episode_label or "Watch now", w, h), tmp / "teaser_end.png"),
    }


class LocalRenderer:
    """Renders an episode on this machine; deterministic for the same request and ffmpeg build."""

    name = "local"

    def __init__(self, ffmpeg: str | None = None, threads: int = 0, timeout_s: float | None = 600,
                 voice: Voice | None = None) -> None:
        """`ffmpeg` overrides the bundled imageio-ffmpeg binary; `threads` 0 lets x264 pick; `voice` None = silent."""
        self._ffmpeg = ffmpeg
        self._threads = threads
        self._timeout = timeout_s
        self.voice = voice if voice is not None and voice.voices else None

    def render(self, request: RenderRequest) -> RenderOutput:
        """Render the episode, its cover and its teaser; returns paths, duration and the video's sha256."""
        portrait = load_portrait(Path(request.lead.portrait_path))
        out_dir = Path(request.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"ep{request.script.number:02d}"
        video, cover_path, teaser = (out_dir / f"{stem}.mp4", out_dir / f"{stem}_cover.png",
                                     out_dir / f"{stem}_teaser.mp4")
        with tempfile.TemporaryDirectory(prefix=f"cliffhanger-{stem}-") as tmp_name:
            tmp = Path(tmp_name)
            timeline, speech = self.timeline(request, tmp)
            stills = self._stills(request, portrait, tmp)
            captions = self._captions(request, timeline, tmp)
            audio, gain = None, 0.0
            if speech:
                audio = build_track(speech, timeline.duration, tmp / "speech.wav")
                gain = speech_gain_db(audio, self._ffmpeg)  # the teaser gets the same gain: same level
            encode(self._episode_plan(request, timeline, stills, captions, tmp, audio, gain), video,
                   self._ffmpeg, self._timeout)
            encode(self._teaser_plan(request, timeline, stills, captions, tmp, speech, gain), teaser,
                   self._ffmpeg, self._timeout)
        w, h = request.width, request.height
        _save_final_png(cover(request.look, portrait, request.script, request.season_title, w, h), cover_path)
        return RenderOutput(video_path=video, cover_path=cover_path, teaser_path=teaser,
                            duration_s=timeline.duration, width=w, height=h, file_hash=file_sha256(video),
                            voiced=bool(speech), voice=self.voice.name if speech and self.voice else "",
                            windows=timeline_windows(timeline))

    def timeline(self, request: RenderRequest, tmp: Path) -> tuple[Timeline, list[Placement]]:
        """The episode's timeline and its speech clips placed on it (none when silent).

        Public so a backend that composites this renderer's layers (an avatar backend) paces itself the same way.
        """
        if self.voice is None:
            return build_timeline(request.script, fps=request.fps), []
        lines = spoken_lines(request.script)
        cast = cast_voices(request.lead, [line.speaker for line in lines], self.voice.voices)
        clips = [self.voice.synthesize(line.text, cast[line.speaker], tmp / f"line{i:03d}.wav")
                 for i, line in enumerate(lines)]
        timeline, starts = build_voiced_timeline(request.script, [c.duration_s for c in clips], fps=request.fps)
        return timeline, [Placement(c.path, start) for c, start in zip(clips, starts, strict=True)]

    def _stills(self, request: RenderRequest, portrait: Image.Image, tmp: Path) -> dict[str, Path]:
        w, h, look = request.width, request.height, request.look
        margin = drift_margin(w)
        stills = {name: _save_png(shot_still(look, portrait, name, w, h, margin), tmp / f"{name}.png")
                  for name in ("cold_open", "beat", "cliffhanger")}
        return stills | card_stills(request, tmp)

    def _captions(self, request: RenderRequest, timeline: Timeline, tmp: Path) -> CaptionSet:
        """Caption PNGs, each centred on one shared transparent canvas so a single track can carry them all."""
        lead = request.lead.name.strip().lower()
        scale, max_w = request.width / 1080, caption_max_width(request.width)
        # measure first, draw one at a time: memory stays flat however many captions an episode has
        heights = [caption_layout(request.look, c.speaker, c.text, max_w, scale).height for c in timeline.captions]
        cw, ch = _even(max_w), _even(max(heights, default=2) + 1)
        cues = []
        for i, cap in enumerate(timeline.captions):
            img = caption_image(request.look, cap.speaker, cap.text, max_w,
                                is_lead=cap.speaker.strip().lower() == lead, scale=scale)
            canvas = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
            canvas.paste(img, ((cw - img.width) // 2, (ch - img.height) // 2))
            cues.append(CaptionCue(_save_png(canvas, tmp / f"cap{i:03d}.png"), cap.start, cap.end))
        blank = _save_png(Image.new("RGBA", (cw, ch), (0, 0, 0, 0)), tmp / "cap_blank.png")
        cx, cy = caption_centre(request.width, request.height)
        return CaptionSet(cues, blank, (_even(cx - cw // 2), _even(cy - ch // 2)))

    def _episode_plan(self, request: RenderRequest, timeline: Timeline, stills: dict[str, Path],
                      captions: CaptionSet, tmp: Path, audio: Path | None = None, gain: float = 0.0) -> EncodePlan:
        margin = drift_margin(request.width)
        segments = [Segment(stills["title"], timeline.title_end)]
        segments += [Segment(stills[s.name], s.duration, margin, 1 if i % 2 == 0 else -1)
                     for i, s in enumerate(timeline.shots)]
        segments.append(Segment(stills["end"], round(timeline.duration - timeline.end_start, 6)))
        track = write_caption_track(captions.cues, captions.blank, timeline.duration, request.fps,
                                    tmp / "episode.ffconcat")
        return EncodePlan(segments, request.width, request.height, request.fps, request.preset, track,
                          captions.xy, threads=self._threads, audio=audio, audio_gain_db=gain)

    def _teaser_plan(self, request: RenderRequest, timeline: Timeline, stills: dict[str, Path],
                     captions: CaptionSet, tmp: Path, speech: list[Placement] | None = None,
                     gain: float = 0.0) -> EncodePlan:
        """The opening shot, cut to fit 5–7 s with the card, then a 'New episode' card."""
        first = timeline.shots[0]
        body = snap(min(max(first.duration, TEASER_MIN - TEASER_CARD), TEASER_MAX - TEASER_CARD), request.fps)
        margin = drift_margin(request.width)
        segments = [Segment(stills[first.name], body, margin, 1), Segment(stills["teaser_end"], TEASER_CARD)]
        cues = [CaptionCue(c.image, round(c.start - first.start, 6), round(min(c.end - first.start, body), 6))
                for c in captions.cues if first.start <= c.start < first.start + body]
        track = write_caption_track(cues, captions.blank, body + TEASER_CARD, request.fps, tmp / "teaser.ffconcat")
        # the teaser's speech is the cold open's, cut where its picture cuts to the card
        audio = build_track(speech, body, tmp / "teaser.wav", offset=first.start) if speech else None
        return EncodePlan(segments, request.width, request.height, request.fps, request.preset, track,
                          captions.xy, threads=self._threads, audio=audio, audio_gain_db=gain)


def timeline_windows(timeline: Timeline) -> dict[str, tuple[float, float]]:
    """Where the title card, each shot and the end card sit (RenderOutput.windows, read by continuity)."""
    windows = {"title": (0.0, timeline.title_end)}
    windows.update({shot.name: (shot.start, shot.end) for shot in timeline.shots})
    windows["end"] = (timeline.end_start, timeline.duration)
    return windows
