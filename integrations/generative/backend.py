"""GenerativeBackend: the final render — the approved animatic's shots, re-made as generated pictures.

The animatic (tools.render.animatic) decides everything but the picture: the storyboard, the timeline cut on line
boundaries, the voices, the music bed and stings, the captions, title and end cards, the camera moves, loudness.
This backend keeps all of that and replaces each shot's drawn still:

- a keyframe from Gemini's image model with the characters' locked reference photos, the location's reference
  (the locked photo, or the animatic's painted backdrop) and the look as style, at 9:16;
- then a Veo clip from that keyframe (≤ 8 s per call; longer shots continue from the last frame), laid over the shot;
  without Veo, the animatic's camera move over the keyframe.

The face-lock checks every keyframe and sampled frames of every clip against the references and regenerates misses
(up to GENERATIVE_MAX_CANDIDATES, within the approved spend); what still misses is flagged with its figure.
Nothing is generated without an approved spend estimate in the database (agent.services.spend): the request must
carry its `season_id`, and the newest APPROVED estimate covering the episode pays for it.
"""

from __future__ import annotations

import io
import json
import tempfile
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
from integrations.generative.plan import keyframe_prompt, line_items, motion_prompt, shot_plans
from integrations.generative.settings import GenerativeSettings
from integrations.generative.shots import ShotMaker, ShotResult
from tools.render.animatic import END_S, AnimaticRenderer
from tools.render.camera import margin_for
from tools.render.cast import lead_key
from tools.render.compose import ComposedShot
from tools.render.encode import EncodePlan, Segment, VideoOverlay, encode, speech_gain_db, write_caption_track
from tools.render.layers import end_card
from tools.render.local import _save_final_png, _save_png, card_stills, file_sha256
from tools.render.sheets import contact_sheet, cover_image, frame_crop, title_overlay
from tools.render.sound import mix
from tools.render.timing import reading_seconds, snap


class GenerativeRenderOutput(RenderOutput):
    """A final render's files plus what the card needs: the identity figures, the money, which pass it is."""

    identity: IdentityReport
    identity_lines: list[str]
    spend_usd: float
    estimate_id: int
    motion: str  # "veo" or "camera"
    pass_label: str = spend.FINAL_PASS_LABEL
    report_path: Path | None = None

    def card_facts(self) -> dict[str, Any]:
        """What production merges into the Render row's report for the review card (plain values, no markup)."""
        return {"pass": self.pass_label, "motion": self.motion, "identity_lines": self.identity_lines,
                "identity_flagged": self.identity.flagged, "regenerations": self.identity.regenerations,
                "spend_usd": round(self.spend_usd, 2), "estimate_id": self.estimate_id}


class MeteredVoice:
    """A paid voice behind the spend gate: every line is authorized first and recorded after."""

    def __init__(self, voice: Voice, maker: ShotMaker, unit_usd: float) -> None:
        self.name, self.voices, self._voice, self._maker, self._unit = voice.name, voice.voices, voice, maker, unit_usd

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        return self._maker._paid("tts", 1, self._unit, lambda: self._voice.synthesize(text, voice_id, out_path))


class GenerativeBackend(AnimaticRenderer):
    """A VideoBackend for the final pass (registered as the `generative` video backend plug-in)."""

    name = "generative"

    def __init__(self, cfg: GenerativeSettings, store: Store, keyframes: GeminiKeyframes, veo: VeoClient | None,
                 voice: Voice | None = None, ffmpeg: str | None = None, threads: int = 0) -> None:
        super().__init__(ffmpeg=ffmpeg, threads=threads, voice=voice if cfg.dialogue == "voice" else None)
        self.cfg, self.store, self.keyframes, self.veo = cfg, store, keyframes, veo

    @property
    def season_budget_usd(self) -> float:
        """The per-season cap an estimate is checked against (GENERATIVE_SEASON_BUDGET_USD)."""
        return self.cfg.season_budget_usd

    def render(self, request: RenderRequest) -> GenerativeRenderOutput:
        """Check the spend, generate and verify every shot, assemble on the animatic's timeline and sound."""
        season_id = request.season_id
        if season_id is None:
            raise spend.SpendNotApproved("This render request names no season, so no approved spend can cover it; "
                                         "nothing was generated.")
        number = request.script.number
        estimate_id = spend.approved_for(self.store, season_id, number)
        spend.authorize(self.store, estimate_id, 0.0)
        w, h, fps = request.width, request.height, request.fps
        out_dir = Path(request.out_dir)
        work = out_dir / "generative"
        work.mkdir(parents=True, exist_ok=True)
        stem = f"ep{number:02d}"
        video, cover_path, teaser, sheet_path = (out_dir / f"{stem}.mp4", out_dir / f"{stem}_cover.png",
                                                 out_dir / f"{stem}_teaser.mp4", out_dir / f"{stem}_storyboard.png")
        references = self._photo_references(request)
        lock = FaceLock(references, self.cfg.identity_lock)
        maker = ShotMaker(self.cfg, self.store, estimate_id, number, self.keyframes, self.veo, lock, work)
        ref_bytes = {name: Path(path).read_bytes() for name, path in references.items()}
        board = self.storyboard(request)
        margin = margin_for(w)
        spoken = self.voice
        if spoken is not None and spoken.name.startswith("gemini"):
            self.voice = MeteredVoice(spoken, maker, self.cfg.tts_usd_per_line)  # type: ignore[assignment]
        try:
            with tempfile.TemporaryDirectory(prefix=f"cliffhanger-gen-{stem}-") as tmp_name:
                tmp = Path(tmp_name)
                timed = self.timeline(request, board, tmp)
                duration = snap(timed[-1].end + END_S, fps)
                report = IdentityReport(threshold=self.cfg.identity_lock, unverified=lock.unverified)
                results = self._shots(request, timed, maker, lock, ref_bytes, report, w, h)
                stills = self._keyframe_stills(request, results, tmp, margin)
                end_path = _save_png(end_card(request.look, "To be continued…", request.script.cliffhanger,
                                              request.next_episode_label, w, h), tmp / "end.png")
                captions, blank, xy = self._captions(request, timed, tmp)
                voices = [(c.clip, c.start, c.end - c.start) for s in timed for c in s.cues if c.clip is not None]
                audio = mix(tmp / "mix.wav", duration, voices, request.tone or "", self._sfx(timed))
                gain = speech_gain_db(audio, self._ffmpeg)
                segments = [Segment(p, s.duration, margin, 1 if i % 2 == 0 else -1, s.shot.camera.value)
                            for i, (p, s) in enumerate(zip(stills, timed, strict=True))]
                segments.append(Segment(end_path, round(duration - timed[-1].end, 6)))
                overlays = tuple(VideoOverlay(r.clip, s.start, s.duration, (0, 0, w, h))
                                 for r, s in zip(results, timed, strict=True) if r.clip is not None)
                track = write_caption_track(captions, blank, duration, fps, tmp / "episode.ffconcat")
                own_audio = self.cfg.dialogue == "veo" and bool(overlays)
                encode(EncodePlan(segments, w, h, fps, request.preset, track, xy, threads=self._threads,
                                  audio=None if own_audio else audio, audio_gain_db=gain, overlays=overlays),
                       video, self._ffmpeg, self._timeout)
                cards = card_stills(request, tmp)
                self._teaser(request, timed, stills, cards["teaser_end"], captions, blank, xy, audio, gain, margin,
                             teaser, tmp)
                with Image.open(stills[0]) as still:
                    frame = frame_crop(still.convert("RGB"), w, h, margin)
                _save_final_png(cover_image(request.look, frame, request.script, request.season_title), cover_path)
                thumbs = []
                for path in stills:
                    with Image.open(path) as still:
                        thumbs.append(frame_crop(still.convert("RGB"), w, h, margin).resize((216, 384)))
                contact_sheet(request.look, request.script, board.shots, thumbs, sheet_path)
        finally:
            self.voice = spoken
        spent = spend.spent_on(self.store, estimate_id, number)
        windows = {f"shot{s.shot.number:02d}": (s.start, s.end) for s in timed}
        windows["end"] = (timed[-1].end, duration)
        output = GenerativeRenderOutput(
            video_path=video, cover_path=cover_path, teaser_path=teaser, duration_s=duration, width=w, height=h,
            file_hash=file_sha256(video), voiced=bool(voices), voice=spoken.name if voices and spoken else "",
            windows=windows, contact_sheet_path=sheet_path, shots=[self._facts(s, margin, w, h) for s in timed],
            references={f"char:{name}": str(path) for name, path in references.items()}, identity=report,
            identity_lines=report.summary(), spend_usd=spent, estimate_id=estimate_id,
            motion="veo" if self.veo else "camera")
        output.report_path = out_dir / f"{stem}_generative.json"
        output.report_path.write_text(json.dumps({
            **output.card_facts(), "identity": report.model_dump()}, indent=2))
        return output

    def estimate_items(self, requests: list[RenderRequest]) -> list[spend.LineItem]:
        """The spend estimate's line items for these episodes, from their storyboards (no paid call is made).

        A shot lasts at least its storyboard length and at least its lines at reading pace (a voiced timeline may
        run a little longer; the regeneration reserve covers that)."""
        episodes = []
        for request in requests:
            board = self.storyboard(request)
            shots = [max(shot.duration_s, sum(reading_seconds(line.text) + 0.2 for line in shot.lines) + 0.4)
                     for shot in board.shots]
            episodes.append({"shots": shots, "lines": sum(len(shot.lines) for shot in board.shots)})
        return line_items(episodes, self.cfg)

    # -- generation -----------------------------------------------------------------------------------------------
    def _shots(self, request: RenderRequest, timed: list[Any], maker: ShotMaker, lock: FaceLock,
               ref_bytes: dict[str, bytes], report: IdentityReport, w: int, h: int) -> list[ShotResult]:
        """Every shot made and checked, in order; the report collects each locked character's distance."""
        results = []
        plans = shot_plans(timed, set(lock.embeddings))
        for index, shot in enumerate(plans):
            maker.reserved_usd = sum(maker.base_cost(later) for later in plans[index + 1:])
            refs = [ref_bytes[n] for n in shot.characters]
            location = self._location_bytes(request, shot.location, w, h)
            prompt = keyframe_prompt(request, shot, len(refs), location is not None)
            result = maker.make(shot, prompt, motion_prompt(shot), refs, location)
            report.regenerations += (result.keyframe_candidates - 1) + max(result.clip_candidates - 1, 0)
            report.shots += [ShotIdentity(shot=shot.name, character=name, distance=value,
                                          keyframe_candidates=result.keyframe_candidates,
                                          clip_candidates=result.clip_candidates)
                             for name, value in result.distances.items()]
            results.append(result)
        return results

    def _photo_references(self, request: RenderRequest) -> dict[str, Path]:
        """Locked reference photos by the name the storyboard uses: the lead's portrait, then each character's."""
        found = {lead_key(request): Path(request.lead.portrait_path)}
        for character in request.characters:
            if character.image_path and Path(character.image_path).is_file():
                found.setdefault(character.name, Path(character.image_path))
        return found

    def _location_bytes(self, request: RenderRequest, key: str | None, w: int, h: int) -> bytes | None:
        """The location's locked photo, or the animatic's painted backdrop for it (the same place as approved)."""
        if not key:
            return None
        out = io.BytesIO()
        self._backdrop(request, key, w, h).save(out, format="PNG")
        return out.getvalue()

    # -- assembly -------------------------------------------------------------------------------------------------
    def _keyframe_stills(self, request: RenderRequest, results: list[ShotResult], tmp: Path, margin: int
                         ) -> list[Path]:
        """Each keyframe filling the frame plus the camera margin; the title overlay on the opening shot."""
        size = (request.width + 2 * margin, request.height + 2 * margin)
        paths = []
        for i, result in enumerate(results):
            with Image.open(result.keyframe) as image:
                framed = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
            if i == 0:
                title_overlay(framed, request.look, request.script, (margin, margin))
            paths.append(_save_png(framed, tmp / f"key{i:02d}.png"))
        return paths

    def _facts(self, s: Any, margin: int, w: int, h: int) -> dict[str, Any]:
        """The animatic's shot facts for report.json and continuity, with no drawn figures (the picture is made)."""
        return self._shot_facts(s, ComposedShot(image=Image.new("RGB", (1, 1))), margin, w, h)


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
    if cfg.motion == "veo" and not cfg.project:
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

