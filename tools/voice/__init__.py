"""Voices for the renderer: espeak-ng and piper offline, silent as the fallback (Gemini TTS is in integrations).

Which one a process uses is chosen once, in the composition root (integrations.voices.make_voice); the renderer
only sees the Voice port.
"""

from tools.voice.casting import cast_voices, lead_voice
from tools.voice.espeak import EspeakVoice, VoiceError, espeak_path
from tools.voice.silent import SilentVoice

__all__ = ["EspeakVoice", "SilentVoice", "VoiceError", "cast_voices", "espeak_path", "lead_voice"]
