"""A fake Gemini server per test and a GeminiBrain pointed at it (real client code, no sleeping backoff)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.brain.offline import OfflineBrain
from agent.domain import Arc, Brief, PersonaBrief
from integrations.gemini.brain import GeminiBrain
from tests.fakes.gemini_server import FakeGemini

KEY = "test-key-123"


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    """The stand-in server, stopped after the test."""
    with FakeGemini(api_key=KEY) as server:
        yield server


@pytest.fixture
def brain(fake: FakeGemini) -> GeminiBrain:
    """The real GeminiBrain against the stand-in; backoff in milliseconds."""
    return GeminiBrain(api_key=KEY, model="gemini-2.5-flash", base_url=fake.base_url, backoff_s=0.001)


@pytest.fixture
def brief() -> Brief:
    """The product's example brief."""
    return Brief(brand="Lumen Coffee", product="the Lumen cold-brew can", audience="night-shift nurses",
                 episode_count=8, episode_length_s=40, tone="cosy suspense")


@pytest.fixture
def model_arc(brief: Brief) -> Arc:
    """A well-formed arc, as a model might return it (the offline one, minus its offline labels)."""
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    return arc.model_copy(update={"title": arc.title.replace("[offline draft] ", ""),
                                  "premise": arc.premise.replace("[offline draft] ", "")})


def arc_json(arc: Arc) -> dict[str, object]:
    """The arc as the wire schema carries it (no offline_draft flags)."""
    return arc.model_dump(exclude={"offline_draft": True, "episodes": {"__all__": {"offline_draft"}}})
