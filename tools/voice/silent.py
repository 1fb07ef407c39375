"""The voice of last resort: none. Renders stay silent and captions are timed at reading speed."""

from __future__ import annotations

from pathlib import Path

from agent.ports import SpeechClip


class SilentVoice:
    """Speaks nothing; `voices` is empty, which tells the renderer to pace captions for reading."""

    name = "silent"
    voices: tuple[str, ...] = ()

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        """Never called by the renderer (it checks `voices` first); refuses loudly if anything else does."""
        raise RuntimeError("the silent voice cannot speak: no offline voice or Gemini key is configured")
