"""Fixtures for the scripted marketer conversations.

Every scenario runs twice: with the offline understander, and with the Gemini tool-calling agent against the local
REST stand-in (tests/scenarios/gemini_standin.py). The Gemini run counts what went over HTTP — model requests and
functionCall parts answered with functionResponse parts — per test (`user_properties`) and prints the totals at the
end of the session, so "every golden conversation runs through both understanders" is a measured figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from agent.brain.router import looks_like_injection
from tests.scenarios.gemini_standin import GeminiEarBrain, start_standin, stats
from tests.scenarios.harness import Marketer

FULL_BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. Goal: trial. "
              "Tone: cosy suspense. Markets: US, Canada. Platforms: TikTok. Destination: Drama Center. "
              "8 episodes, 30 seconds each, daily at 6pm New York.")


@pytest.fixture(params=["offline", "gemini-understander"])
def marketer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Marketer]:
    """A marketer in a fresh workspace, once per understander: offline, and the Gemini tool-calling agent against
    the local REST stand-in (writing stays offline unless the scenario Gemini key is set)."""
    person = Marketer(tmp_path / "home")
    standin = None
    said: list[str] = []
    if request.param == "gemini-understander" and person.runtime.context.brain.name == "offline":
        standin = start_standin()
        person.runtime.context.brain = GeminiEarBrain(standin)
        say = person.say

        def counting_say(text: str, files: list[Path] | None = None) -> str:
            said.append(text)
            return say(text, files)

        person.say = counting_say  # type: ignore[method-assign]
    yield person
    person.close()
    if standin is not None:
        standin.stop()
        counted = stats(standin)
        request.node.user_properties.append(("gemini_standin", asdict(counted)))  # plain data: xdist sends it
        readable = [t for t in said if t.strip() and not looks_like_injection(t)]
        assert not readable or counted.function_calls, (
            f"the Gemini run never sent functionCall parts over HTTP for {len(readable)} messages: the graph did "
            "not read them through brain.understand")


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
