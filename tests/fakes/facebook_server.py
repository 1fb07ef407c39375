"""The Graph API (Instagram + Facebook Reels) stand-in lives in integrations/facebook/emulator.py (the demo runs it
too)."""

from integrations.facebook.emulator import IG_USER, PAGE, FakeGraphState, fake_graph

__all__ = ["IG_USER", "PAGE", "FakeGraphState", "fake_graph"]
