"""The TikTok Content Posting / Display API stand-in lives in integrations/tiktok/emulator.py (the demo runs it too)."""

from integrations.tiktok.emulator import MB, FakePost, FakeTikTokState, fake_tiktok

__all__ = ["MB", "FakePost", "FakeTikTokState", "fake_tiktok"]
