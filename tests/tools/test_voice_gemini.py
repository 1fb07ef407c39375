"""Gemini TTS against the local Gemini stand-in: the real google-genai client sends the request."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.brain.errors import KeyRejectedError
from integrations.gemini.tts import GEMINI_VOICES, GeminiVoice, SpeechError
from tests.fakes.gemini_server import FakeGemini, tone_pcm
from tools.voice.wav import read_mono

KEY = "tts-key"


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    """The stand-in server, stopped after the test."""
    with FakeGemini(api_key=KEY) as server:
        yield server


def _voice(fake: FakeGemini, key: str = KEY) -> GeminiVoice:
    return GeminiVoice(key, base_url=fake.base_url, backoff_s=0.001)


def test_speaks_a_line_as_pcm_wav(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply_audio(tone_pcm(1.25, rate=24000))
    clip = _voice(fake).synthesize("Whose key is this?", "Kore", tmp_path / "line.wav")
    assert clip.duration_s == pytest.approx(1.25, abs=1e-3)
    samples, rate = read_mono(clip.path)
    assert rate == 24000 and abs(samples).max() > 0.25
    sent = fake.requests[0]
    assert (sent.model, sent.method) == ("gemini-2.5-flash-preview-tts", "generateContent")
    assert sent.headers["x-goog-api-key"] == KEY
    assert "Whose key is this?" in sent.prompt_text
    config = sent.generation_config
    assert config["responseModalities"] == ["AUDIO"]
    # google-genai 3.x sends the nested speech config in snake_case (the REST API takes both spellings)
    speech = config["speechConfig"]
    voice = speech.get("voiceConfig") or speech["voice_config"]
    prebuilt = voice.get("prebuiltVoiceConfig") or voice["prebuilt_voice_config"]
    assert (prebuilt.get("voiceName") or prebuilt["voice_name"]) == "Kore"
    assert "Kore" in GEMINI_VOICES


def test_other_sample_rates_are_honoured(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply_audio(tone_pcm(0.5, rate=16000), rate=16000)
    clip = _voice(fake).synthesize("Now.", "Puck", tmp_path / "a.wav")
    assert clip.duration_s == pytest.approx(0.5, abs=1e-3)
    assert read_mono(clip.path)[1] == 16000


def test_rate_limits_are_retried_and_a_bad_key_is_not(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply_error(429).reply_audio(tone_pcm(0.4))
    assert _voice(fake).synthesize("Again.", "Kore", tmp_path / "b.wav").duration_s == pytest.approx(0.4, abs=1e-3)
    assert len(fake.requests) == 2
    with pytest.raises(KeyRejectedError):
        _voice(fake, "wrong").synthesize("x", "Kore", tmp_path / "c.wav")


def test_a_reply_without_audio_is_an_error(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply_text("I can't say that")
    with pytest.raises(SpeechError, match="no audio"):
        _voice(fake).synthesize("x", "Kore", tmp_path / "d.wav")
    fake.reply_error(500).reply_error(500).reply_error(500)
    with pytest.raises(SpeechError, match="HTTP 500"):
        _voice(fake).synthesize("x", "Kore", tmp_path / "e.wav")


def test_audio_reply_is_base64_pcm_on_the_wire(fake: FakeGemini) -> None:
    pcm = tone_pcm(0.01)
    fake.reply_audio(pcm)
    part = fake._script[0].parts[0]["inlineData"]
    assert part["mimeType"] == "audio/L16;codec=pcm;rate=24000" and base64.b64decode(part["data"]) == pcm
