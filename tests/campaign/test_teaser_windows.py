"""The teaser of an animatic episode is cut where the render says its shots are (issue 13): the render's reported
windows — kept in the render's meta, or in its continuity report for older renders — decide the cold open and the
cliffhanger, never the script's reading-speed timeline, and the cut never reaches into the end card."""

from __future__ import annotations

import pytest

from agent.brain.storyboard import write_storyboard
from agent.services.campaign import reported_shots
from agent.store.models import Render
from tests.campaign.conftest import script
from tools.campaign.teaser import BODY_MAX, BODY_MIN, CARD_S, cut_window, shown_lines

# a voiced animatic: 7 shots, paced by speech, the end card from 17.4 s
WINDOWS = {"shot01": [0.0, 2.4], "shot02": [2.4, 5.1], "shot03": [5.1, 7.9], "shot04": [7.9, 9.7],
           "shot05": [9.7, 12.6], "shot06": [12.6, 15.8], "shot07": [15.8, 17.4], "end": [17.4, 19.4]}


def test_the_cold_open_is_the_first_reported_shot() -> None:
    start, length = cut_window(script(2), "cold_open", 30, WINDOWS)
    assert start == 0.0 and length == pytest.approx(BODY_MIN)  # a 2.4 s shot stretched to the 3 s minimum
    assert (start, length) != cut_window(script(2), "cold_open", 30)  # not the script timeline's guess


def test_the_cliffhanger_ends_where_the_end_card_starts() -> None:
    start, length = cut_window(script(2), "cliffhanger", 30, WINDOWS)
    assert start + length == pytest.approx(17.4)  # up to the end card, not into it
    assert BODY_MIN - 1e-6 <= length <= BODY_MAX + 1e-6 and 5.0 <= length + CARD_S <= 10.0
    assert start >= WINDOWS["shot06"][0]


def test_a_long_last_shot_is_trimmed_to_the_format() -> None:
    long_end = {"shot01": [0.0, 2.0], "shot02": [2.0, 14.0], "end": [14.0, 16.0]}
    start, length = cut_window(script(2), "cliffhanger", 30, long_end)
    assert length == pytest.approx(BODY_MAX) and start + length == pytest.approx(14.0)


def test_the_captions_checked_are_those_of_the_shots_in_the_cut() -> None:
    board = write_storyboard(script(2), "Maya", ["office", "street-night"], 17.4)
    windows = {f"shot{s.number:02d}": [sum(x.duration_s for x in board.shots[:s.number - 1]),
                                      sum(x.duration_s for x in board.shots[:s.number])] for s in board.shots}
    start, length = cut_window(script(2), "cold_open", 30, windows)
    lines = shown_lines(script(2), start, length, 30, windows, board)
    inside = [s for s in board.shots if windows[f"shot{s.number:02d}"][0] < start + length]
    assert lines == [ln.text for s in inside for ln in s.lines]
    assert len(lines) < len(script(2).lines)  # not every line of the episode: only what the cut shows
    assert shown_lines(script(2), start, length, 30, windows, None) == [ln.text for ln in script(2).lines]


def test_windows_come_from_the_render_meta_or_its_continuity_report() -> None:
    board = write_storyboard(script(2), "Maya", ["office"], 17.4)
    fresh = Render(meta={"windows": WINDOWS, "storyboard": board.model_dump(mode="json")}, report={})
    assert reported_shots(fresh) == {"windows": WINDOWS, "storyboard": board}
    older = Render(meta={}, report={"shots": [{"number": 1, "window": [0.0, 2.4]}, {"number": 2,
                                                                                  "window": [2.4, 5.1]}]})
    assert reported_shots(older) == {"windows": {"shot01": [0.0, 2.4], "shot02": [2.4, 5.1]}, "storyboard": None}
    assert reported_shots(Render(meta={}, report={"passed": True})) == {"windows": None, "storyboard": None}
