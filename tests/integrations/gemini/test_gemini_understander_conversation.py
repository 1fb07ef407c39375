"""The Gemini tool-calling agent inside the real conversation: a scripted marketer, the real graph and store, and
the scenario stand-in answering over HTTP (look with `season_facts`, act with functionCall parts, then text).

What is asserted is what crossed the wire and what the season became — not what a fake was told to return.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.gemini_server import FakeGemini
from tests.scenarios.conftest import FULL_BRIEF
from tests.scenarios.gemini_standin import GeminiEarBrain, start_standin
from tests.scenarios.harness import Marketer


@pytest.fixture
def standin() -> Iterator[FakeGemini]:
    """The deterministic stand-in model, stopped after the test."""
    server = start_standin()
    yield server
    server.stop()


@pytest.fixture
def marketer(tmp_path: Path, standin: FakeGemini) -> Iterator[Marketer]:
    """A marketer whose messages are read by the Gemini agent (writing stays offline)."""
    person = Marketer(tmp_path / "home")
    if person.runtime.context.brain.name != "offline":
        pytest.skip("the scenario Gemini key is set: this test is about the stand-in")
    person.runtime.context.brain = GeminiEarBrain(standin)
    yield person
    person.close()


def test_two_revisions_in_one_message_travel_as_function_calls(marketer: Marketer, standin: FakeGemini) -> None:
    assert "to cast the lead" in marketer.say(FULL_BRIEF)
    before = marketer.arc()
    start = len(standin.requests)
    marketer.say("make episode 3 darker and cut the product from episode 7")
    turn = [r for r in standin.requests[start:] if r.tool_names]
    assert [len(r.function_calls) for r in turn] == [0, 1, 3]  # look, act (two calls), answer
    assert [r["name"] for r in turn[1].function_responses] == ["season_facts"]
    acted = turn[2].function_responses
    assert [r["name"] for r in acted] == ["revise_episodes", "revise_episodes"]
    assert all("recorded" in str(r["response"]) for r in acted)
    after = marketer.arc()
    assert [a.number for a, b in zip(after.episodes, before.episodes, strict=True) if a != b] == [3, 7]


def test_the_thread_history_reaches_the_model(marketer: Marketer, standin: FakeGemini) -> None:
    assert "to cast the lead" in marketer.say(FULL_BRIEF)
    start = len(standin.requests)
    marketer.say("show the bible")
    first = next(r for r in standin.requests[start:] if r.tool_names)
    assert first.history_texts[-1] == "show the bible"
    assert len(first.history_texts) > 1, "no earlier exchange reached the model"
