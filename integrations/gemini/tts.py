"""Gemini text-to-speech: the keyed Voice (generateContent with response modality AUDIO).

Request: `POST /v1beta/models/{tts model}:generateContent` with `generationConfig.responseModalities ["AUDIO"]` and
`speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName`. Reply: one `inlineData` part, mimeType
`audio/L16;codec=pcm;rate=24000` — raw little-endian 16-bit mono PCM (base64 on the wire; google-genai decodes
it) with no header, so it is wrapped in a WAV here. Rate limits and 5xx are retried with backoff; a rejected key
is a KeyRejectedError at once. No silent fallback to another voice: the lead's voice is part of the lock, and an
episode spoken by a different engine would break continuity — the render job fails and is retried instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from google.genai import types

from agent.brain.errors import BrainError
from agent.ports import SpeechClip
from integrations.gemini.backoff import GenaiCaller
from tools.voice.wav import wav_duration, write_pcm_bytes

TTS_MODEL = "gemini-2.5-flash-preview-tts"
# Gemini's prebuilt voices (all speak every supported language)
GEMINI_VOICES: tuple[str, ...] = (
    "Kore", "Puck", "Charon", "Fenrir", "Aoede", "Leda", "Orus", "Zephyr", "Callirrhoe", "Autonoe", "Enceladus",
    "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar",
    "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia",
    "Sadaltager", "Sulafat",
)
_RATE = re.compile(r"rate=(\d+)")


class SpeechError(BrainError):
    """Gemini could not speak the line (service down after retries, or a reply without audio)."""


class GeminiVoice(GenaiCaller):
    """A Voice backed by Gemini TTS."""

    name = "gemini-tts"
    voices = GEMINI_VOICES

    def __init__(self, api_key: str, model: str = TTS_MODEL, base_url: str | None = None, *, attempts: int = 3,
                 backoff_s: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        """Build the google-genai client (no network yet)."""
        super().__init__(api_key, model, base_url, attempts=attempts, backoff_s=backoff_s, sleep=sleep)

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        """Speak `text` with the prebuilt voice `voice_id`; writes a 24 kHz mono WAV at `out_path`."""
        config = types.GenerateContentConfig(
            response_modalities=["AUDIO"],
            speech_config=types.SpeechConfig(voice_config=types.VoiceConfig(
                prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=voice_id))))
        response = self._generate(text, config, failure=SpeechError, what="Gemini TTS")
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                blob = part.inline_data
                if blob is not None and blob.data and (blob.mime_type or "").startswith("audio/"):
                    return _to_clip(blob.data, blob.mime_type or "", Path(out_path))
        raise SpeechError("Gemini TTS returned no audio for the line; try again.")


def _to_clip(data: bytes, mime_type: str, out_path: Path) -> SpeechClip:
    """Gemini's audio/L16 PCM (or a WAV, should it ever send one) → a WAV file."""
    if mime_type.startswith(("audio/wav", "audio/x-wav")) or data[:4] == b"RIFF":
        out_path.write_bytes(data)
    elif "L16" in mime_type or "pcm" in mime_type:
        rate = _RATE.search(mime_type)
        write_pcm_bytes(out_path, data[: len(data) - len(data) % 2], int(rate.group(1)) if rate else 24000)
    else:
        raise SpeechError(f"Gemini TTS sent {mime_type}, not PCM audio")
    return SpeechClip(path=out_path, duration_s=wav_duration(out_path))
