"""Fixtures for the scripted marketer conversations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scenarios.gemini_standin import GeminiEarBrain, start_standin
from tests.scenarios.harness import Marketer

FULL_BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. Goal: trial. "
              "Tone: cosy suspense. Markets: US, Canada. Platforms: TikTok. Destination: Drama Center. "
              "8 episodes, 30 seconds each, daily at 6pm New York.")


@pytest.fixture(params=["offline", "gemini-understander"])
def marketer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Marketer]:
    """A marketer in a fresh workspace, once per understander: offline, and Gemini function calling against the
    local REST stand-in (writing stays offline unless the scenario Gemini key is set)."""
    person = Marketer(tmp_path / "home")
    standin = None
    if request.param == "gemini-understander" and person.runtime.context.brain.name == "offline":
        standin = start_standin()
        person.runtime.context.brain = GeminiEarBrain(standin)
    yield person
    person.close()
    if standin is not None:
        standin.stop()


@pytest.fixture
def at_arc(marketer: Marketer) -> Marketer:
    """A marketer whose arc is drafted (8 × 30 s)."""
    reply = marketer.say(FULL_BRIEF)
    assert "to cast the lead" in reply, reply
    return marketer


@pytest.fixture
def at_look(at_arc: Marketer) -> Marketer:
    """A marketer with a locked lead, looking at the look preview."""
    assert "lock your lead" in at_arc.say("looks good")
    assert "lock it" in at_arc.say("1")
    return at_arc
