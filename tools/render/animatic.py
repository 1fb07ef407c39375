"""AnimaticRenderer: the default VideoBackend — an episode as a drama: shots, places, people, voices, music.

Per render: the storyboard (the script version's, or the offline writer's) → every line synthesised in its
character's voice → a timeline that cuts on line boundaries (a shot lasts as long as its lines need, at least its
storyboard length) → one still per shot composed once with Pillow (location backdrop, characters placed by shot
type, the product, the logo) → the audio mixed with moviepy (voices, a music bed fitted to the tone and ducked
under dialogue, a shimmer on the product, a sting on the cliffhanger) → ONE ffmpeg run that animates each still
with its camera move (crop/scale expressions), concatenates the shots and the end card, lays the caption track
over them, normalises loudness and encodes H.264/AAC. Per-frame work is ffmpeg's alone (DESIGN §5).

Outputs in request.out_dir: epNN.mp4, epNN_cover.png, epNN_teaser.mp4, epNN_storyboard.png (the contact sheet)
and refs/ (each character's, location's and the product's reference image: the locks continuity checks against).
"""

from __future__ import annotations

import hashlib
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from agent.brain.storyboard import episode_texts, is_narrator, locations_for, write_storyboard
from agent.domain import LocationKind, Shot, ShotType, Storyboard
from agent.ports import RenderOutput, RenderRequest, Voice
from tools.render.camera import margin_for, view_at
from tools.render.captions import caption_image, caption_layout
from tools.render.cast import build_cast, lead_key
from tools.render.compose import ComposedShot, compose_shot
from tools.render.encode import (
    CaptionCue,
    EncodePlan,
    Segment,
    Stamp,
    encode,
    speech_gain_db,
    write_caption_track,
)
from tools.render.figures import reference_image
from tools.render.layers import end_card, paste_logo
from tools.render.layout import caption_centre, caption_max_width
from tools.render.local import _save_final_png, _save_png, card_stills, file_sha256
from tools.render.product import product_image
from tools.render.scenes import paint_location
from tools.render.sheets import contact_sheet, cover_image, frame_crop, title_overlay
from tools.render.sound import mix
from tools.render.timing import chunk, reading_seconds, snap, snap_up
from tools.voice.casting import cast_voices

END_S = 2.0
LEAD_IN_S, GAP_S, TAIL_S, STING_HOLD_S = 0.15, 0.2, 0.25, 1.2
TEASER_MIN, TEASER_MAX, TEASER_CARD = 3.0, 5.0, 2.0
# drawn, flat-shaded shots moving by whole-frame crops and zooms: a diamond search with one subpel refinement finds
# the same motion as veryfast's hex search, ~20 % cheaper, files no larger (measured on a handheld and a push-in)
X264 = "me=dia:subme=1"


@dataclass
class Cue:
    """One spoken line on the timeline: who, what, when, and its voice clip (None when silent)."""

    speaker: str
    text: str
    start: float
    end: float
    clip: Path | None = None


@dataclass
class TimedShot:
    """A storyboard shot with its window in the episode and the lines said over it."""

    shot: Shot
    start: float
    end: float
    cues: list[Cue] = field(default_factory=list)

    @property
    def duration(self) -> float:
        """Seconds on screen."""
        return round(self.end - self.start, 6)


def _even(n: int) -> int:
    return n - n % 2


class AnimaticRenderer:
    """Renders an episode as an animatic drama on this machine; deterministic for the same request."""

    name = "animatic"

    def __init__(self, ffmpeg: str | None = None, threads: int = 0, timeout_s: float | None = 600,
                 voice: Voice | None = None) -> None:
        """`ffmpeg` overrides the bundled binary; `threads` 0 lets x264 pick; `voice` None = captions only."""
        self._ffmpeg = ffmpeg
        self._threads = threads
        self._timeout = timeout_s
        self.voice = voice if voice is not None and voice.voices else None
        self._painted: dict[tuple, Image.Image] = {}  # location sets, painted once for refs and stills

    # --- planning -------------------------------------------------------------------------------------------
    def storyboard(self, request: RenderRequest) -> Storyboard:
        """The request's storyboard, or the offline writer's for this script (same inputs → same shots)."""
        if request.storyboard is not None:
            return request.storyboard
        keys = [loc.key for loc in request.locations or locations_for(episode_texts(request.script))]
        length = request.episode_length_s - END_S if request.episode_length_s else None
        return write_storyboard(request.script, lead_key(request), keys, length)

    def timeline(self, request: RenderRequest, board: Storyboard, tmp: Path) -> list[TimedShot]:
        """Shots placed in time; each line voiced (or timed at reading pace) and cut on its boundaries."""
        fps = request.fps
        voices: dict[str, str] = {}
        if self.voice is not None:
            key = lead_key(request)
            season = [c.name for c in request.cast]  # the season's order keeps each character's voice fixed
            speakers = list(dict.fromkeys([*(n for n in season if n != key),
                                           *(ln.speaker for shot in board.shots for ln in shot.lines)]))
            asked = [request.lead.name if sp == key else sp for sp in speakers]  # the lead speaks in its lock's voice
            by_name = cast_voices(request.lead, asked, self.voice.voices)
            voices = {sp: by_name[a] for sp, a in zip(speakers, asked, strict=True)}
        timed: list[TimedShot] = []
        t, n = 0.0, 0
        for i, shot in enumerate(board.shots):
            start = t
            cursor = snap(t + (0.0 if i == 0 else LEAD_IN_S), fps)
            cues = []
            for line in shot.lines:
                clip, seconds = None, reading_seconds(line.text)
                if self.voice is not None:
                    speech = self.voice.synthesize(line.text, voices[line.speaker], tmp / f"line{n:03d}.wav")
                    clip, seconds = speech.path, speech.duration_s
                n += 1
                end = snap_up(cursor + max(seconds, 1 / fps), fps)
                cues.append(Cue(line.speaker, line.text, cursor, end, clip))
                cursor = snap(end + GAP_S, fps)
            need = (cursor - start + TAIL_S) if cues else 0.0
            if i == len(board.shots) - 1:
                need += STING_HOLD_S
            t = snap(start + max(shot.duration_s, need), fps)
            timed.append(TimedShot(shot, start, t, cues))
        return timed

    # --- rendering ------------------------------------------------------------------------------------------
    def render(self, request: RenderRequest) -> RenderOutput:
        """Render the episode, its cover, teaser and contact sheet; returns paths, duration, shots and locks."""
        w, h, fps = request.width, request.height, request.fps
        out_dir = Path(request.out_dir)
        refs_dir = out_dir / "refs"
        refs_dir.mkdir(parents=True, exist_ok=True)
        stem = f"ep{request.script.number:02d}"
        video, cover_path, teaser, sheet_path = (out_dir / f"{stem}.mp4", out_dir / f"{stem}_cover.png",
                                                 out_dir / f"{stem}_teaser.mp4", out_dir / f"{stem}_storyboard.png")
        board = self.storyboard(request)
        margin = margin_for(w)
        with tempfile.TemporaryDirectory(prefix=f"cliffhanger-{stem}-") as tmp_name:
            tmp = Path(tmp_name)
            timed = self.timeline(request, board, tmp)
            duration = snap(timed[-1].end + END_S, fps)
            names = list(dict.fromkeys([n for s in board.shots for n in s.names]
                                       + [ln.speaker for s in board.shots for ln in s.lines]))
            cast = build_cast(request, names)
            references = self._references(request, board, cast, refs_dir, margin)
            stills, thumbs, placements = self._stills(request, timed, cast, tmp, margin)
            cards = card_stills(request, tmp)
            end_path = _save_png(end_card(request.look, "To be continued…", request.script.cliffhanger,
                                          request.next_episode_label, w, h), tmp / "end.png")
            captions, blank, xy = self._captions(request, timed, tmp)
            voices = [(c.clip, c.start, c.end - c.start) for s in timed for c in s.cues if c.clip is not None]
            audio = mix(tmp / "mix.wav", duration, voices, request.tone or "", self._sfx(timed))
            gain = speech_gain_db(audio, self._ffmpeg)
            segments = [Segment(p, s.duration, margin, 1 if i % 2 == 0 else -1, s.shot.camera.value)
                        for i, (p, s) in enumerate(zip(stills, timed, strict=True))]
            segments.append(Segment(end_path, round(duration - timed[-1].end, 6)))
            track = write_caption_track(captions, blank, duration, fps, tmp / "episode.ffconcat")
            stamps = self._stamps(request, timed, tmp)
            encode(EncodePlan(segments, w, h, fps, request.preset, track, xy, threads=self._threads, audio=audio,
                              audio_gain_db=gain, x264_params=X264, stamps=stamps), video, self._ffmpeg,
                   self._timeout)
            self._teaser(request, timed, stills, cards["teaser_end"], captions, blank, xy, audio, gain, margin,
                         teaser, tmp, stamps)
            lead_shot = next((i for i, s in enumerate(timed) if s.shot.type == ShotType.CLOSE_UP), 0)
            with Image.open(stills[lead_shot]) as still:
                frame = frame_crop(still.convert("RGB"), w, h, margin).convert("RGBA")
            frame.alpha_composite(self._stamp_layer(request))
            _save_final_png(cover_image(request.look, frame, request.script, request.season_title), cover_path)
            contact_sheet(request.look, request.script, board.shots, thumbs, sheet_path)
        shots = [self._shot_facts(s, placements[i], margin, w, h) for i, s in enumerate(timed)]
        windows = {f"shot{s.shot.number:02d}": (s.start, s.end) for s in timed}
        windows["end"] = (timed[-1].end, duration)
        return RenderOutput(video_path=video, cover_path=cover_path, teaser_path=teaser, duration_s=duration,
                            width=w, height=h, file_hash=file_sha256(video), voiced=bool(voices),
                            voice=self.voice.name if voices and self.voice else "", windows=windows,
                            contact_sheet_path=sheet_path, shots=shots, references=references, storyboard=board)

    def _references(self, request: RenderRequest, board: Storyboard, cast: dict, refs_dir: Path, margin: int
                    ) -> dict[str, str]:
        """Write each character's, location's and the product's reference image (their locks are the hashes)."""
        w, h = request.width, request.height
        refs: dict[str, str] = {}
        for name in dict.fromkeys(n for s in board.shots for n in s.names):
            if name in cast:
                path = refs_dir / f"char-{_slug(name)}.png"
                reference_image(cast[name]).save(path, format="PNG", compress_level=1)
                refs[f"char:{name}"] = str(path)
        for key in dict.fromkeys(s.location for s in board.shots):
            path = refs_dir / f"loc-{_slug(key)}.png"
            self._backdrop(request, key, w + 2 * margin, h + 2 * margin).save(path, format="PNG", compress_level=1)
            refs[f"loc:{key}"] = str(path)
        if any(s.product for s in board.shots):
            path = refs_dir / "product.png"
            self._product(request).save(path, format="PNG", compress_level=1)
            refs["product"] = str(path)
        return refs

    def _backdrop(self, request: RenderRequest, key: str, width: int, height: int) -> Image.Image:
        """The location's set at this size: its locked image when it has one, else painted (once per render)."""
        cache_key = (key, width, height, request.look.model_dump_json())
        cached = self._painted.get(cache_key)
        if cached is not None:
            return cached
        lock = next((loc for loc in request.locations if loc.key == key), None)
        if lock is not None and lock.image_path and Path(lock.image_path).is_file():
            with Image.open(lock.image_path) as img:
                image = img.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        else:
            image = paint_location(lock.kind if lock is not None else _kind_of(key), request.look, width, height)
        if len(self._painted) >= 4:  # a worker renders season after season: keep only the latest few sets
            self._painted.clear()
        self._painted[cache_key] = image
        return image

    def _product(self, request: RenderRequest) -> Image.Image:
        attached = Path(request.product_image_path) if request.product_image_path else None
        brand = request.brand or request.look.logo_text or request.season_title.split(":")[0]
        return product_image(request.look, brand, request.product, int(request.height * 0.5), attached)

    def _stills(self, request: RenderRequest, timed: list[TimedShot], cast: dict, tmp: Path, margin: int
                ) -> tuple[list[Path], list[Image.Image], list[ComposedShot]]:
        """One PNG per shot (and a small thumbnail for the contact sheet); backdrops painted once per location."""
        w, h = request.width, request.height
        backdrops: dict[str, Image.Image] = {}
        product = self._product(request) if any(s.shot.product for s in timed) else None
        paths, thumbs, placed = [], [], []
        for i, s in enumerate(timed):
            key = s.shot.location
            if key not in backdrops:
                backdrops[key] = self._backdrop(request, key, w + 2 * margin, h + 2 * margin)
            composed = compose_shot(s.shot, request.look, backdrops[key], cast, product, w, h, margin, logo=False)
            paths.append(_save_png(composed.image, tmp / f"shot{i:02d}.png"))
            thumb = frame_crop(composed.image, w, h, margin).convert("RGBA")
            thumb.alpha_composite(self._stamp_layer(request, title=i == 0))
            thumbs.append(thumb.convert("RGB").resize((216, 384), Image.Resampling.BILINEAR))
            composed.image = Image.new("RGB", (1, 1))  # keep the placements, free the pixels
            placed.append(composed)
        return paths, thumbs, placed

    @staticmethod
    def _stamp_layer(request: RenderRequest, logo: bool = True, title: bool = False) -> Image.Image:
        """The frame-fixed layer (RGBA, frame size): the logo, and/or the episode title of the opening shot."""
        layer = Image.new("RGBA", (request.width, request.height), (0, 0, 0, 0))
        if logo:
            paste_logo(layer, request.look)
        if title:
            title_overlay(layer, request.look, request.script, (0, 0))
        return layer

    def _stamps(self, request: RenderRequest, timed: list[TimedShot], tmp: Path) -> tuple[Stamp, ...]:
        """The logo over every shot and the title over the first, each cropped to its ink (small overlays)."""
        stamps = []
        for name, layer, end in (("logo", self._stamp_layer(request), timed[-1].end),
                                 ("title", self._stamp_layer(request, logo=False, title=True), timed[0].end)):
            box = layer.getbbox()
            if box is None:
                continue
            x0, y0 = box[0] - box[0] % 2, box[1] - box[1] % 2  # even offsets: yuv420p chroma stays aligned
            x1, y1 = box[2] + (box[2] - x0) % 2, box[3] + (box[3] - y0) % 2
            stamps.append(Stamp(_save_png(layer.crop((x0, y0, x1, y1)), tmp / f"stamp-{name}.png"), x0, y0, 0.0,
                                end))
        return tuple(stamps)

    def _captions(self, request: RenderRequest, timed: list[TimedShot], tmp: Path
                  ) -> tuple[list[CaptionCue], Path, tuple[int, int]]:
        """Caption PNGs on one shared transparent canvas (one ffmpeg input carries them all)."""
        look, fps = request.look, request.fps
        scale, max_w = request.width / 1080, caption_max_width(request.width)
        lead = {lead_key(request).lower(), request.lead.name.lower()}
        pieces: list[tuple[str, str, float, float]] = []
        for s in timed:
            for cue in s.cues:
                parts = chunk(cue.text) or [cue.text]
                words = sum(len(p.split()) for p in parts) or 1
                at, said = cue.start, 0
                for k, part in enumerate(parts):
                    said += len(part.split())
                    end = cue.end if k == len(parts) - 1 else snap(cue.start + (cue.end - cue.start) * said / words,
                                                                   fps)
                    label = "" if is_narrator(cue.speaker) else cue.speaker
                    pieces.append((label, part, at, end))
                    at = end
        heights = [caption_layout(look, sp, tx, max_w, scale).height for sp, tx, _a, _b in pieces]
        cw, ch = _even(max_w), _even(max(heights, default=2) + 1)
        cues = []
        for i, (speaker, text, start, end) in enumerate(pieces):
            img = caption_image(look, speaker, text, max_w, is_lead=speaker.lower() in lead, scale=scale)
            canvas = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
            canvas.paste(img, ((cw - img.width) // 2, (ch - img.height) // 2))
            cues.append(CaptionCue(_save_png(canvas, tmp / f"cap{i:03d}.png"), start, end))
        blank = _save_png(Image.new("RGBA", (cw, ch), (0, 0, 0, 0)), tmp / "cap_blank.png")
        cx, cy = caption_centre(request.width, request.height)
        return cues, blank, (_even(cx - cw // 2), _even(cy - ch // 2))

    @staticmethod
    def _sfx(timed: list[TimedShot]) -> list[tuple[str, float]]:
        """A shimmer when the product first shows, a sting as the cliffhanger's last line lands."""
        sfx = []
        first_product = next((s for s in timed if s.shot.product), None)
        if first_product is not None:
            sfx.append(("shimmer", first_product.start + 0.1))
        last = timed[-1]
        sfx.append(("sting", last.cues[-1].end if last.cues else last.start + 0.3))
        return sfx

    def _teaser(self, request: RenderRequest, timed: list[TimedShot], stills: list[Path], card: Path,
                captions: list[CaptionCue], blank: Path, xy: tuple[int, int], audio: Path, gain: float,
                margin: int, out: Path, tmp: Path, stamps: tuple[Stamp, ...] = ()) -> None:
        """The cold open (3–5 s, cut on a shot boundary when one falls inside) and a 'New episode' card."""
        fps = request.fps
        body = snap(min(max(timed[0].duration, TEASER_MIN), TEASER_MAX), fps)
        segments, t = [], 0.0
        for i, s in enumerate(timed):
            if t >= body - 1e-6:
                break
            length = snap(min(s.duration, body - t), fps)
            segments.append(Segment(stills[i], length, margin, 1, s.shot.camera.value))
            t = snap(t + length, fps)
        segments.append(Segment(card, TEASER_CARD))
        cues = [CaptionCue(c.image, c.start, min(c.end, t)) for c in captions if c.start < t - 1 / fps]
        track = write_caption_track(cues, blank, t + TEASER_CARD, fps, tmp / "teaser.ffconcat")
        clip = _cut_wav(audio, t, tmp / "teaser.wav")
        encode(EncodePlan(segments, request.width, request.height, fps, request.preset, track, xy,
                          threads=self._threads, audio=clip, audio_gain_db=gain, x264_params=X264,
                          stamps=tuple(Stamp(st.image, st.x, st.y, 0.0, min(st.end or t, t)) for st in stamps)),
               out, self._ffmpeg, self._timeout)

    @staticmethod
    def _shot_facts(s: TimedShot, composed: ComposedShot, margin: int, width: int, height: int) -> dict:
        """What report.json and continuity need about one shot (placements in still pixels, the mid-shot view)."""
        shot = s.shot
        view = view_at(shot.camera.value, margin, 1 if (shot.number - 1) % 2 == 0 else -1, width, height, 0.5,
                       s.duration)
        return {
            "number": shot.number, "type": shot.type.value, "location": shot.location,
            "characters": [{"name": c.name, "position": c.position.value} for c in shot.characters],
            "speaker": shot.speaker, "voice_over": shot.voice_over, "camera": shot.camera.value,
            "cue": shot.cue, "product": shot.product, "window": [s.start, s.end],
            "lines": [{"speaker": c.speaker, "text": c.text} for c in s.cues],
            "figures": [{"name": f.name, "box": list(f.box), "back": f.back} for f in composed.figures],
            "product_box": list(composed.product.box) if composed.product else None,
            "mid_view": [round(v, 2) for v in view],
        }


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "x"


def _kind_of(key: str) -> LocationKind:
    """A location key's kind: its own name when it is one, else a stable pick (an unknown place still renders)."""
    try:
        return LocationKind(key)
    except ValueError:
        kinds = list(LocationKind)
        return kinds[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(kinds)]


def _cut_wav(src: Path, seconds: float, out: Path) -> Path:
    """The first `seconds` of a WAV, with a 0.3 s fade-out so the teaser does not end on a click."""
    with wave.open(str(src), "rb") as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(int(seconds * rate))
    samples = np.frombuffer(frames, dtype=np.int16).reshape(-1, channels).astype(np.float32)
    fade = min(len(samples), int(0.3 * rate))
    if fade:
        samples[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)[:, None]
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(samples.astype(np.int16).tobytes())
    return out
