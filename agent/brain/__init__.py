"""Brains write and revise the season: an offline deterministic one, and Gemini when a key is configured.

`make_brain` is the one place that chooses; the composition root calls it with settings values.
"""

from __future__ import annotations

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.offline import OfflineBrain
from agent.ports import Brain


def make_brain(google_api_key: str | None, model: str = "gemini-2.5-flash", base_url: str | None = None) -> Brain:
    """OfflineBrain without a key; GeminiBrain (imported only then, it is heavy) with one."""
    if not google_api_key:
        return OfflineBrain()
    from integrations.gemini.brain import GeminiBrain

    return GeminiBrain(api_key=google_api_key, model=model, base_url=base_url)


__all__ = ["Brain", "BrainError", "KeyRejectedError", "OfflineBrain", "make_brain"]
