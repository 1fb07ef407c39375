"""Storyboards from Gemini over HTTP (the stand-in): the model's JSON, held to the offline format validator, one
repair with the validator's findings, then the deterministic storyboard — never a stall."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from agent.brain.storyboard import validate_storyboard, write_storyboard
from agent.domain import EpisodeScript, Line, ShotType, Storyboard
from agent.ports import StoryboardWriter
from integrations.gemini.client import GeminiClient
from integrations.gemini.storyboard import GeminiStoryboards
from tests.fakes.gemini_server import FakeGemini
from tests.integrations.gemini.conftest import KEY

LOCATIONS = ["cafe", "office"]
LENGTH = 24.0


def script() -> EpisodeScript:
    """Three speakers, a product moment, a cliffhanger line."""
    return EpisodeScript(
        number=2, title="The Warm Key", cold_open="Maya finds the café lamp still warm at closing time.",
        beat="At the office Jonah blocks the door.", cliffhanger="It has my name on it.",
        product_moment="The BrewCo cold brew can hides the key.",
        lines=[Line(speaker="Maya", text="Whose key is this, and why is it warm?"),
               Line(speaker="Jonah", text="Put it back before anyone sees you."),
               Line(speaker="Ivy", text="Too late, Jonah. The BrewCo cold brew can was hiding it."),
               Line(speaker="Maya", text="It has my name on it.")])


def model_board(**changes: Any) -> dict[str, Any]:
    """A storyboard as a model might answer: valid, but visibly not the offline one (its own actions/types)."""
    board = write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    shots = [s.model_copy(update={"action": f"MODEL shot {s.number}: {s.action or 'a look'}"}) for s in board.shots]
    shots[1] = shots[1].model_copy(update={"type": ShotType.TWO_SHOT} if len(shots[1].characters) == 2 else {})
    data = board.model_copy(update={"shots": shots}).model_dump(mode="json", exclude={"offline_draft"})
    data.update(changes)
    return data


def writer(fake: FakeGemini) -> GeminiStoryboards:
    return GeminiStoryboards(GeminiClient(KEY, "gemini-2.5-flash", fake.base_url, backoff_s=0.001))


def without_sting(data: dict[str, Any]) -> dict[str, Any]:
    shots = [dict(s) for s in data["shots"]]
    shots[-1]["cue"] = "music: out"
    return {**data, "shots": shots}


def test_the_storyboard_is_the_models_json_validated(fake: FakeGemini) -> None:
    fake.reply_json(model_board())
    board = writer(fake).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert isinstance(writer(fake), StoryboardWriter)
    assert not board.offline_draft and board.episode == 2 and board.length_s == LENGTH
    assert all(s.action.startswith("MODEL shot") for s in board.shots)
    assert validate_storyboard(board, script(), LOCATIONS) == []
    [request] = fake.requests
    schema = str(request.generation_config.get("responseJsonSchema") or request.generation_config)
    assert "duration_s" in schema and "voice_over" in schema  # the domain Storyboard's own fields went as the schema
    prompt = request.prompt_text
    assert "Whose key is this, and why is it warm?" in prompt and "cafe (the café)" in prompt and "24.0" in prompt


def test_a_broken_storyboard_gets_one_repair_with_the_validators_findings(fake: FakeGemini) -> None:
    fake.reply_json(without_sting(model_board()), model_board())
    board = writer(fake).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert not board.offline_draft and board.shots[-1].cue == "sting"
    assert len(fake.requests) == 2
    fix = fake.requests[1].prompt_text
    assert "must carry the cliffhanger sting" in fix and '"music: out"' in fix


def test_still_broken_after_the_repair_falls_back_to_the_offline_storyboard(
        fake: FakeGemini, caplog: pytest.LogCaptureFixture) -> None:
    shots = model_board()["shots"]
    invented = {**model_board(), "shots": [{**s, "location": "moon-base"} for s in shots]}
    short = {**model_board(), "shots": [{**s, "duration_s": 1.0} for s in shots]}
    fake.reply_json(invented, short)
    with caplog.at_level(logging.INFO, logger="integrations.gemini.storyboard"):
        board = writer(fake).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert board == write_storyboard(script(), "Maya", LOCATIONS, LENGTH) and board.offline_draft
    assert len(fake.requests) == 2 and fake.pending == 0
    assert "'moon-base' is not one of the season's" in fake.requests[1].prompt_text
    assert "using the offline storyboard" in caplog.text and "add up to" in caplog.text


def test_gemini_down_or_unreadable_falls_back_without_stalling(fake: FakeGemini) -> None:
    for _ in range(4):
        fake.reply_error(500)
    board = writer(fake).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert board.offline_draft and len(fake.requests) == 4
    fake.reply_text("Here are some shots: wide, then close.", "still not JSON")
    assert writer(fake).write_storyboard(script(), "Maya", LOCATIONS, LENGTH).offline_draft


def test_a_written_storyboard_is_kept_for_the_same_question_a_fallback_is_not(fake: FakeGemini,
                                                                             tmp_path: Path) -> None:
    client = GeminiClient(KEY, "gemini-2.5-flash", fake.base_url, backoff_s=0.001)
    fake.reply_text("not JSON", "still not JSON")
    assert GeminiStoryboards(client, tmp_path).write_storyboard(script(), "Maya", LOCATIONS, LENGTH).offline_draft
    fake.reply_json(model_board())
    first = GeminiStoryboards(client, tmp_path).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    again = GeminiStoryboards(client, tmp_path).write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert not first.offline_draft and again == first and len(fake.requests) == 3  # no request for the re-render
    other = GeminiStoryboards(client, tmp_path).write_storyboard(script(), "Maya", LOCATIONS, 30.0)
    assert len(fake.requests) > 3 and other != first  # another length is another question: asked, not served


def test_the_offline_board_the_fallback_uses_is_itself_valid() -> None:
    board = write_storyboard(script(), "Maya", LOCATIONS, LENGTH)
    assert validate_storyboard(board, script(), LOCATIONS) == []
    moved = board.model_copy(update={"shots": [s.model_copy(update={"location": "gym"}) for s in board.shots]})
    assert any("'gym' is not one of the season's" in p for p in validate_storyboard(moved, script(), LOCATIONS))
    assert isinstance(Storyboard.model_validate(model_board()), Storyboard)
