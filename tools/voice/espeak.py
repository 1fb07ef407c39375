"""espeak-ng, Debian's offline formant synthesiser: robotic, but instant, deterministic and always available.

Run as a subprocess (`espeak-ng -v <voice> -w out.wav "text"`); the WAV header gives the duration. The text goes
in after `--` as one argv element, never through a shell, so a line of dialogue cannot become a command.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from agent.ports import SpeechClip
from tools.voice.wav import wav_duration

# English voices espeak-ng ships in every build (variants give supporting characters distinct timbres)
ESPEAK_VOICES: tuple[str, ...] = ("en-us", "en-gb", "en-us+f3", "en-gb+f2", "en-us+m3", "en-gb-scotland",
                                  "en-us+f4", "en-029")


class VoiceError(RuntimeError):
    """The synthesiser failed; carries its stderr tail."""


def espeak_path() -> str | None:
    """The espeak-ng executable on PATH, if any."""
    return shutil.which("espeak-ng")


class EspeakVoice:
    """A Voice backed by the espeak-ng command."""

    name = "espeak-ng"

    def __init__(self, executable: str | None = None, voices: tuple[str, ...] = ESPEAK_VOICES,
                 words_per_minute: int = 165, timeout_s: float = 60) -> None:
        """`executable` defaults to espeak-ng on PATH; raises FileNotFoundError when there is none."""
        exe = executable or espeak_path()
        if exe is None:
            raise FileNotFoundError("espeak-ng is not on PATH (scripts/ensure-system-deps installs it)")
        self._exe = exe
        self.voices = voices
        self._wpm = words_per_minute
        self._timeout = timeout_s

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        """Speak `text` with `voice_id` into `out_path` (22.05 kHz mono WAV)."""
        out_path = Path(out_path)
        proc = subprocess.run([self._exe, "-v", voice_id, "-s", str(self._wpm), "-w", str(out_path), "--", text],
                              capture_output=True, text=True, timeout=self._timeout, check=False)
        if proc.returncode != 0 or not out_path.is_file():
            raise VoiceError(f"espeak-ng exited {proc.returncode} for voice {voice_id}: {proc.stderr.strip()[-300:]}")
        return SpeechClip(path=out_path, duration_s=wav_duration(out_path))
