"""The offline storyboard writer, the format validator and per-shot notes (pure functions, no rendering)."""

from __future__ import annotations

import pytest

from agent.brain.storyboard import choose_locations, validate_storyboard, write_storyboard
from agent.brain.storyboard_notes import ShotNoteError, apply_shot_note
from agent.domain import EpisodeScript, Line, ShotType

LINES = [("Narrator", "Late at night the café is empty, except for Mara and a lamp that should not be on."),
         ("Mara", "Someone left this under my Lumen sleep lamp. Who does that?"),
         ("Ronan", "Relax. Launches always look like this from the inside."),
         ("Mara", "Someone pushed code at 2 a.m. using my login."),
         ("Ronan", "The investors want a scapegoat. I'd hate for it to be you."),
         ("Ivy", "Breathe. Then tell me everything, in order."),
         ("Ronan", "Funny. I was about to ask you the same thing."),
         ("Mara", "It's signed... with my name?")]


def script(lines: list[tuple[str, str]] = LINES) -> EpisodeScript:
    return EpisodeScript(number=3, title="The Note", cold_open="Mara finds a note in the café at closing time.",
                         beat="At the office Ronan corners her.", cliffhanger="It's signed... with my name?",
                         product_moment="The Lumen sleep lamp is the first clue: the note sits under the lamp.",
                         lines=[Line(speaker=s, text=t) for s, t in lines])


def test_offline_storyboard_follows_the_format() -> None:
    ep = script()
    board = write_storyboard(ep, "Mara", ["cafe", "office"], length_s=40)
    assert validate_storyboard(board, ep) == []
    assert 6 <= len(board.shots) <= 14
    assert board.shots[-1].type == ShotType.CLOSE_UP and "sting" in board.shots[-1].cue
    assert {s.location for s in board.shots} == {"cafe", "office"}
    assert any(s.product and s.type in (ShotType.INSERT, ShotType.PRODUCT_HERO) for s in board.shots)
    assert len({n for s in board.shots for n in s.names}) == 3
    assert abs(board.total_s - 40) <= 2
    # deterministic: the same script gives the same shots
    assert write_storyboard(ep, "Mara", ["cafe", "office"], length_s=40) == board


def test_a_two_line_script_still_gets_six_shots() -> None:
    ep = script(LINES[1:3])
    board = write_storyboard(ep, "Mara", ["cafe", "office"])
    assert len(board.shots) >= 6 and validate_storyboard(board, ep) == []


def test_validator_names_each_broken_rule() -> None:
    ep = script()
    board = write_storyboard(ep, "Mara", ["cafe", "office"])
    shots = list(board.shots)
    speaking = next(s for s in shots if s.lines and not s.voice_over)
    shots[speaking.number - 1] = speaking.model_copy(update={"characters": []})
    shots[-1] = shots[-1].model_copy(update={"cue": ""})
    shots = [s.model_copy(update={"product": False}) for s in shots]
    broken = board.model_copy(update={"shots": shots, "length_s": board.length_s * 2})
    problems = " | ".join(validate_storyboard(broken, ep))
    assert "speaks but is not in frame" in problems
    assert "sting" in problems
    assert "product never appears" in problems
    assert "allowed ±5 %" in problems


def test_locations_come_from_the_script() -> None:
    assert choose_locations(["They meet at the gym after a workout", "back at the gym"])[0].value == "gym"
    assert len(choose_locations(["nothing here"])) == 2


def test_shot_note_changes_only_that_shot() -> None:
    ep = script()
    board = write_storyboard(ep, "Mara", ["cafe", "office"])
    new, said = apply_shot_note(board, "ep 3 shot 4: close-up on Ronan instead", ["Mara", "Ronan", "Ivy"],
                                ["cafe", "office"])
    assert new.shots[3].type == ShotType.CLOSE_UP and new.shots[3].names == ["Ronan"]
    assert "close-up" in said and "Ronan" in said
    assert [s for i, s in enumerate(new.shots) if i != 3] == [s for i, s in enumerate(board.shots) if i != 3]
    with pytest.raises(ShotNoteError, match="no shot 40"):
        apply_shot_note(board, "shot 40: wide", ["Mara"], ["cafe"])
    with pytest.raises(ShotNoteError, match="which shot"):
        apply_shot_note(board, "make it darker", ["Mara"], ["cafe"])


def test_drama_fields_come_from_the_stored_season() -> None:
    from agent.brain.offline import OfflineBrain
    from agent.brain.storyboard import attach_storyboard, drama_fields
    from agent.domain import Brief, PersonaBrief
    from agent.ports import RenderRequest

    brief = Brief(brand="Lumen", product="Lumen sleep lamp", tone="tense", episode_length_s=45)
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    ep = arc.episodes[0]
    board = write_storyboard(ep, arc.cast[0].name, ["cafe", "office"])
    fields = drama_fields(brief.model_dump(mode="json"), arc.model_dump(mode="json"),
                          attach_storyboard(ep.model_dump(mode="json"), board))
    assert fields["storyboard"] == board and fields["product"] == "Lumen sleep lamp"
    assert 2 <= len(fields["locations"]) <= 5 and fields["cast"] == arc.cast
    assert EpisodeScript.model_validate(attach_storyboard(ep.model_dump(mode="json"), board)) == ep
    RenderRequest.model_validate({"script": ep, "look": {}, "lead": {"persona_id": 1, "name": "A",
                                  "portrait_path": "p", "portrait_hash": "h", "seed": 1}, "out_dir": ".", **fields})
