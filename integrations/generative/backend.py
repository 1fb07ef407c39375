"""GenerativeBackend: the final render — Gemini keyframes, Veo motion (or a camera move), the animatic's look on top.

Per shot of the timeline (the animatic's pacing; a storyboard's shots when the request carries one): a keyframe from
the image model with the characters' locked reference images, the location's reference and the look as style, at
9:16; then a Veo clip from that keyframe (≤ 8 s per call), or without Veo a camera move over the keyframe. The face-
lock checks every keyframe and sampled frames of every clip against the references and regenerates misses (up to
GENERATIVE_MAX_CANDIDATES, within the approved spend); what still misses is flagged with its figure in the report.

The episode is assembled by the local renderer's own encoder and layers: the same title and end cards, captions,
logo, voices and loudness as the animatic — only the picture under them changes.

Nothing is generated without an approved spend estimate in the database (agent.services.spend): the request must
carry its `season_id`, and the newest APPROVED estimate covering the episode pays for it.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from agent.ports import RenderOutput, RenderRequest, SpeechClip, Voice
from agent.services import spend
from agent.store.db import Store
from integrations.gemini.backoff import genai_client
from integrations.gemini.keyframes import GeminiKeyframes
from integrations.gemini.veo import VeoClient, vertex_client
from integrations.generative.facelock import FaceLock, IdentityReport, ShotIdentity
from integrations.generative.plan import keyframe_prompt, motion_prompt, shot_plans
from integrations.generative.settings import GenerativeSettings
from integrations.generative.shots import ShotMaker, ShotResult
from tools.render.encode import EncodePlan, VideoOverlay, encode, speech_gain_db
from tools.render.layers import cover
from tools.render.layout import drift_margin
from tools.render.local import LocalRenderer, _save_final_png, card_stills, file_sha256, timeline_windows
from tools.voice.wav import build_track


class GenerativeRenderOutput(RenderOutput):
    """A final render's files plus what the card needs: the identity figures, the money, which pass it is."""

    identity: IdentityReport
    identity_lines: list[str]
    spend_usd: float
    estimate_id: int
    motion: str  # "veo" or "camera"
    pass_label: str = spend.FINAL_PASS_LABEL
    report_path: Path | None = None


class MeteredVoice:
    """A paid voice behind the spend gate: every line is authorized first and recorded after."""

    def __init__(self, voice: Voice, maker: ShotMaker, unit_usd: float) -> None:
        self.name, self.voices, self._voice, self._maker, self._unit = voice.name, voice.voices, voice, maker, unit_usd

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        return self._maker._paid("tts", 1, self._unit, lambda: self._voice.synthesize(text, voice_id, out_path))


class GenerativeBackend(LocalRenderer):
    """A VideoBackend for the final pass (registered as the `generative` video backend plug-in)."""

    name = "generative"

    def __init__(self, cfg: GenerativeSettings, store: Store, keyframes: GeminiKeyframes, veo: VeoClient | None,
                 voice: Voice | None = None, ffmpeg: str | None = None, threads: int = 0) -> None:
        super().__init__(ffmpeg=ffmpeg, threads=threads, voice=voice if cfg.dialogue == "voice" else None)
        self.cfg, self.store, self.keyframes, self.veo = cfg, store, keyframes, veo
        self._clips: dict[str, Path] = {}

    def render(self, request: RenderRequest) -> GenerativeRenderOutput:
        """Check the spend, generate and verify every shot, assemble; the report says what held."""
        season_id = getattr(request, "season_id", None)
        if season_id is None:
            raise spend.SpendNotApproved("This render request names no season, so no approved spend can cover it; "
                                         "nothing was generated.")
        number = request.script.number
        estimate_id = spend.approved_for(self.store, season_id, number)
        spend.authorize(self.store, estimate_id, 0.0)
        references = self._references(request)
        lock = FaceLock(references, self.cfg.identity_lock)
        out_dir = Path(request.out_dir)
        work = out_dir / "generative"
        work.mkdir(parents=True, exist_ok=True)
        maker = ShotMaker(self.cfg, self.store, estimate_id, number, self.keyframes, self.veo, lock, work)
        stem = f"ep{number:02d}"
        video, cover_path, teaser = out_dir / f"{stem}.mp4", out_dir / f"{stem}_cover.png", out_dir / f"{stem}_teaser.mp4"
        ref_bytes = {name: Path(path).read_bytes() for name, path in references.items()}
        locations = self._locations(request)
        spoken = self.voice
        if spoken is not None and spoken.name.startswith("gemini"):
            self.voice = MeteredVoice(spoken, maker, self.cfg.tts_usd_per_line)  # type: ignore[assignment]
        try:
            with tempfile.TemporaryDirectory(prefix=f"cliffhanger-gen-{stem}-") as tmp_name:
                tmp = Path(tmp_name)
                timeline, speech = self.timeline(request, tmp)
                plans = shot_plans(request, [(s.name, s.duration) for s in timeline.shots])
                report = IdentityReport(threshold=self.cfg.identity_lock)
                results: dict[str, ShotResult] = {}
                for shot in plans:
                    refs = [ref_bytes[n] for n in shot.characters if n in ref_bytes]
                    location = locations.get(shot.location or "")
                    prompt = keyframe_prompt(request, shot, len(refs), location is not None)
                    results[shot.name] = result = maker.make(shot, prompt, motion_prompt(shot), refs, location)
                    report.regenerations += (result.keyframe_candidates - 1) + max(result.clip_candidates - 1, 0)
                    report.shots += [ShotIdentity(shot=shot.name, character=name, distance=value,
                                                  keyframe_candidates=result.keyframe_candidates,
                                                  clip_candidates=result.clip_candidates)
                                     for name, value in result.distances.items()]
                self._clips = {name: r.clip for name, r in results.items() if r.clip is not None}
                stills = self._keyframe_stills(request, results, tmp) | card_stills(request, tmp)
                captions = self._captions(request, timeline, tmp)
                audio, gain = None, 0.0
                if speech:
                    audio = build_track(speech, timeline.duration, tmp / "speech.wav")
                    gain = speech_gain_db(audio, self._ffmpeg)
                encode(self._silence_if_needed(self._episode_plan(request, timeline, stills, captions, tmp, audio,
                                                                  gain), tmp), video, self._ffmpeg, self._timeout)
                encode(self._silence_if_needed(self._teaser_plan(request, timeline, stills, captions, tmp, speech,
                                                                 gain), tmp), teaser, self._ffmpeg, self._timeout)
        finally:
            self.voice = spoken
        first = results[plans[0].name].keyframe
        with Image.open(first) as still:
            _save_final_png(cover(request.look, still.convert("RGB"), request.script, request.season_title,
                                  request.width, request.height), cover_path)
        spent = spend.spent_on(self.store, estimate_id, number)
        output = GenerativeRenderOutput(
            video_path=video, cover_path=cover_path, teaser_path=teaser, duration_s=timeline.duration,
            width=request.width, height=request.height, file_hash=file_sha256(video), voiced=bool(speech),
            voice=spoken.name if speech and spoken else "", windows=timeline_windows(timeline), identity=report,
            identity_lines=report.summary(), spend_usd=spent, estimate_id=estimate_id,
            motion="veo" if self.veo else "camera")
        output.report_path = out_dir / f"{stem}_generative.json"
        output.report_path.write_text(json.dumps({
            "pass": output.pass_label, "motion": output.motion, "estimate_id": estimate_id, "spend_usd": spent,
            "identity": report.model_dump(), "identity_lines": output.identity_lines,
            "flagged": report.flagged}, indent=2))
        return output

    # -- inputs -------------------------------------------------------------------------------------------------
    def _references(self, request: RenderRequest) -> dict[str, Path]:
        """Locked reference image per character: the lead's portrait, then each character lock's image."""
        found = {request.lead.name: Path(request.lead.portrait_path)}
        for character in getattr(request, "characters", []) or []:
            if character.image_path and Path(character.image_path).exists():
                found.setdefault(character.name, Path(character.image_path))
        return found

    def _locations(self, request: RenderRequest) -> dict[str, bytes]:
        return {loc.key: Path(loc.image_path).read_bytes() for loc in getattr(request, "locations", []) or []
                if loc.image_path and Path(loc.image_path).exists()}

    # -- assembly -----------------------------------------------------------------------------------------------
    def _keyframe_stills(self, request: RenderRequest, results: dict[str, ShotResult], tmp: Path) -> dict[str, Path]:
        """Each keyframe filling the frame plus the drift margin (the camera move crops across it)."""
        margin = drift_margin(request.width)
        size = (request.width + 2 * margin, request.height + 2 * margin)
        stills = {}
        for name, result in results.items():
            with Image.open(result.keyframe) as image:
                framed = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
            stills[name] = tmp / f"{name}.png"
            framed.save(stills[name], format="PNG", compress_level=1)
        return stills

    def _episode_plan(self, request: RenderRequest, timeline: Any, stills: dict[str, Path], captions: Any,
                      tmp: Path, audio: Path | None = None, gain: float = 0.0) -> EncodePlan:
        plan = super()._episode_plan(request, timeline, stills, captions, tmp, audio, gain)
        overlays = tuple(VideoOverlay(self._clips[s.name], s.start, s.duration, (0, 0, request.width, request.height))
                         for s in timeline.shots if s.name in self._clips)
        return replace(plan, overlays=overlays)

    def _teaser_plan(self, request: RenderRequest, timeline: Any, stills: dict[str, Path], captions: Any,
                     tmp: Path, speech: Any = None, gain: float = 0.0) -> EncodePlan:
        plan = super()._teaser_plan(request, timeline, stills, captions, tmp, speech, gain)
        first = timeline.shots[0]
        if first.name not in self._clips:
            return plan
        body = plan.segments[0].duration
        return replace(plan, overlays=(VideoOverlay(self._clips[first.name], 0.0, body,
                                                    (0, 0, request.width, request.height)),))

    def _silence_if_needed(self, plan: EncodePlan, tmp: Path) -> EncodePlan:
        """Clips without speech under them: a silent track, unless Veo's own audio is the dialogue."""
        if plan.audio is not None or not plan.overlays or self.cfg.dialogue == "veo":
            return plan
        return replace(plan, audio=build_track([], plan.duration, tmp / f"silence-{len(plan.segments)}.wav"))


def _store(values: dict[str, Any]) -> Store:
    if isinstance(values.get("store"), Store):
        return values["store"]
    url = values.get("database_url")
    if not url:
        home = Path(values.get("cliffhanger_home") or ".cliffhanger")
        home.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(home / 'cliffhanger.db').resolve()}"
    return Store.open(url)


def from_settings(*, voice: Voice | None = None, **values: Any) -> GenerativeBackend:
    """Plug-in factory (entry point `generative`): GOOGLE_API_KEY for keyframes; GOOGLE_CLOUD_PROJECT for Veo."""
    cfg = GenerativeSettings.from_values(values)
    if cfg.uses_veo and not cfg.project:
        raise ValueError("GENERATIVE_MOTION=veo needs GOOGLE_CLOUD_PROJECT (Veo runs on Vertex AI)")
    vertex = None
    if cfg.project:
        token = cfg.vertex_access_token.get_secret_value() if cfg.vertex_access_token else None
        vertex = vertex_client(cfg.project, cfg.location, base_url=cfg.vertex_base_url, access_token=token)
    if cfg.key:
        image_client = genai_client(cfg.key, cfg.gemini_base_url)
    elif vertex is not None:
        image_client = vertex
    else:
        raise ValueError("the generative backend needs GOOGLE_API_KEY (keyframes) or GOOGLE_CLOUD_PROJECT (Vertex)")
    keyframes = GeminiKeyframes(image_client, model=cfg.image_model, attempts=cfg.attempts, backoff_s=cfg.backoff_s)
    veo = None
    if cfg.uses_veo and vertex is not None:
        veo = VeoClient(vertex, model=cfg.veo_model, poll_interval_s=cfg.poll_interval_s, timeout_s=cfg.veo_timeout_s,
                        attempts=cfg.attempts, backoff_s=cfg.backoff_s, generate_audio=cfg.dialogue == "veo")
    return GenerativeBackend(cfg, _store(values), keyframes, veo, voice=voice)
