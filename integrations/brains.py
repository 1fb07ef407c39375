"""Brains as plug-ins (entry-point group `cliffhanger.brains`): who writes and revises the season.

CLIFFHANGER_BRAIN names one: `auto` (Gemini when GOOGLE_API_KEY is set, the offline brain otherwise), `gemini`
or `offline`. The Gemini brain is imported only when chosen: it is heavy, and nothing else needs it.
"""

from __future__ import annotations

from typing import Any

from agent.ports import Brain


def offline(**_values: Any) -> Brain:
    """The deterministic offline brain (labelled offline drafts; no keys, no network)."""
    from agent.brain.offline import OfflineBrain

    return OfflineBrain()


def gemini(**values: Any) -> Brain:
    """Gemini through langchain-google-genai (needs GOOGLE_API_KEY; GEMINI_MODEL, GEMINI_BASE_URL)."""
    from integrations.gemini.brain import GeminiBrain
    from integrations.gemini.settings import GeminiSettings

    cfg = GeminiSettings.from_values(values)
    if cfg.key is None:
        raise ValueError("CLIFFHANGER_BRAIN=gemini needs GOOGLE_API_KEY")
    return GeminiBrain(api_key=cfg.key, model=cfg.model, base_url=cfg.base_url)


def auto(**values: Any) -> Brain:
    """Gemini when keyed, the offline brain otherwise."""
    from integrations.gemini.settings import GeminiSettings

    return gemini(**values) if GeminiSettings.from_values(values).key is not None else offline()
