"""Brains write and revise the season: an offline deterministic one, and Gemini when a key is configured.

Brains are plug-ins (entry-point group `cliffhanger.brains`); the composition root builds the one CLIFFHANGER_BRAIN
names. `make_brain` is a shortcut for scripts and tests: the `auto` brain for a key.
"""

from __future__ import annotations

from pydantic import SecretStr

from agent.brain.errors import BrainError, KeyRejectedError
from agent.brain.offline import OfflineBrain
from agent.ports import Brain


def make_brain(google_api_key: str | SecretStr | None, model: str = "gemini-2.5-flash",
               base_url: str | None = None) -> Brain:
    """OfflineBrain without a key; the Gemini plug-in with one (found through the registry: agent/ imports no
    adapter). Accepts the settings' SecretStr as is."""
    from agent import plugins

    brain: Brain = plugins.build("brains", "auto", google_api_key=google_api_key or None, gemini_model=model,
                                 gemini_base_url=base_url)
    return brain


__all__ = ["Brain", "BrainError", "KeyRejectedError", "OfflineBrain", "make_brain"]
