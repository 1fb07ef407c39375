"""The YouTube Data API stand-in lives in integrations/youtube/emulator.py (the demo runs it too)."""

from integrations.youtube.emulator import FakeUpload, FakeYouTubeState, fake_youtube

__all__ = ["FakeUpload", "FakeYouTubeState", "fake_youtube"]
