"""The teaser cut: where it cuts, what the card says, and (slow) a real cut from a real episode render."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.domain import LeadLock, PersonaBrief
from agent.ports import RenderRequest
from tests.campaign.conftest import LOOK, script
from tools.campaign.teaser import BODY_MAX, BODY_MIN, CARD_S, cut_window, day_label, make_teaser
from tools.render.timing import build_timeline


def test_day_label_is_in_the_season_time_zone() -> None:
    assert day_label(datetime(2026, 12, 4, 23, 0, tzinfo=UTC), "America/New_York") == "Friday 4 Dec, 6 pm"
    assert day_label(datetime(2026, 12, 4, 23, 30, tzinfo=UTC), "UTC") == "Friday 4 Dec, 11:30 pm"


@pytest.mark.parametrize("source", ["cold_open", "cliffhanger"])
def test_cut_window_stays_inside_the_story_and_the_5_to_10_second_format(source: str) -> None:
    timeline = build_timeline(script(2))
    start, length = cut_window(script(2), source, 30)
    assert timeline.title_end <= start and start + length <= timeline.end_start + 1e-6
    assert BODY_MIN - 1e-6 <= length <= BODY_MAX + 1e-6 or start + length == pytest.approx(timeline.end_start)
    assert 5.0 <= length + CARD_S <= 10.0


def test_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="cold_open"):
        cut_window(script(1), "credits", 30)


@pytest.mark.slow
def test_teaser_is_cut_from_the_real_episode_with_the_day_card(tmp_path: Path, lead_lock: LeadLock) -> None:
    from tools.render import LocalRenderer
    from tools.render.probe import grab_frame, probe

    episode = LocalRenderer().render(RenderRequest(script=script(1), look=LOOK, lead=lead_lock, out_dir=tmp_path,
                                                   season_title="Night Shift", preset="ultrafast"))
    out = make_teaser(episode.video_path, script(1), LOOK, PersonaBrief(), day="Friday 4 Dec, 6 pm",
                      out_path=tmp_path / "teaser.mp4", preset="ultrafast")
    facts = probe(out.files[0])
    assert (facts.width, facts.height) == (1080, 1920) and facts.audio_codec == "aac"
    assert 5.0 <= facts.duration_s <= 10.2
    assert "bt709" in facts.colour
    card = grab_frame(out.files[0], facts.duration_s - 0.5, 1080, 1920)
    assert abs(int(card[1800, 540, 0]) - 0x14) < 12, "the end card is drawn on the locked background"
    assert "Friday 4 Dec, 6 pm" in out.text
