"""Brains write and revise the season: an offline deterministic one, and Gemini when a key is configured.

`make_brain` is the one place that chooses; the composition root calls it with settings values.
"""

from __future__ import annotations

from pydantic import SecretStr

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.offline import OfflineBrain
from agent.ports import Brain


def make_brain(google_api_key: str | SecretStr | None, model: str = "gemini-2.5-flash",
               base_url: str | None = None) -> Brain:
    """OfflineBrain without a key; GeminiBrain with one (imported only then: it is heavy, and agent/ stays clean).

    Accepts the settings' SecretStr as is, so the key is unwrapped in one place only.
    """
    key = google_api_key.get_secret_value() if isinstance(google_api_key, SecretStr) else google_api_key
    if not key:
        return OfflineBrain()
    from integrations.gemini.brain import GeminiBrain

    return GeminiBrain(api_key=key, model=model, base_url=base_url)


__all__ = ["Brain", "BrainError", "KeyRejectedError", "OfflineBrain", "make_brain"]
