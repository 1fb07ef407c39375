"""The deterministic brief parser: what marketers actually type → Brief fields."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent.brain.briefparse import looks_like_brief_info, parse_brief, parse_episode_length
from agent.domain import Brief, Cadence

EXAMPLE = ("Brand: Lumen Coffee. Product: the Lumen cold-brew can. Audience: night-shift nurses. "
           "8 episodes, 40 seconds each, daily at 6pm New York, tone: cosy suspense")


def test_example_brief_parses_into_a_valid_brief() -> None:
    fields = parse_brief(EXAMPLE, {})
    assert fields["brand"] == "Lumen Coffee"
    assert fields["product"] == "the Lumen cold-brew can"
    assert fields["audience"] == "night-shift nurses"
    assert fields["tone"] == "cosy suspense"
    assert fields["episode_count"] == 8
    assert fields["episode_length_s"] == 40
    assert fields["cadence"] == {"kind": "daily", "release_time": "18:00", "timezone": "America/New_York"}
    brief = Brief.model_validate(fields)
    assert brief.cadence.timezone == "America/New_York" and brief.cadence.release_time.hour == 18


@pytest.mark.parametrize(("text", "seconds"), [
    ("40 seconds", 40), ("40s each", 40), ("1 minute", 60), ("90-second episodes", 90), ("1.5 min", 90),
    ("a minute long", 60), ("10 minutes", 600), ("45 secs", 45),
])
def test_episode_length_units(text: str, seconds: int) -> None:
    assert parse_episode_length(text) == seconds


def test_clock_times_are_not_lengths() -> None:
    assert "episode_length_s" not in parse_brief("daily at 6pm", {})


def test_out_of_range_values_survive_so_validation_explains() -> None:
    fields = parse_brief("Brand: X. Product: Y. 40 episodes, 10 minutes each", {})
    assert fields["episode_count"] == 40 and fields["episode_length_s"] == 600
    with pytest.raises(ValidationError) as err:
        Brief.model_validate(fields)
    text = str(err.value)
    assert "8–12 episodes" in text and "15–120 seconds" in text


@pytest.mark.parametrize(("text", "expected"), [
    ("weekly on Mondays and Thursdays at 18:30 Europe/Paris",
     {"kind": "weekly", "weekdays": [0, 3], "release_time": "18:30", "timezone": "Europe/Paris"}),
    ("every other day at noon in LA", {"kind": "every_n_days", "every_n_days": 2, "release_time": "12:00",
                                       "timezone": "America/Los_Angeles"}),
    ("every 3 days, 9am London", {"kind": "every_n_days", "every_n_days": 3, "release_time": "09:00",
                                  "timezone": "Europe/London"}),
    ("daily 7:15 pm Tokyo", {"kind": "daily", "release_time": "19:15", "timezone": "Asia/Tokyo"}),
])
def test_cadences_validate_against_the_domain(text: str, expected: dict[str, object]) -> None:
    cadence = parse_brief(text, {})["cadence"]
    assert cadence == expected
    Cadence.model_validate(cadence)


def test_merges_over_known_and_you_decide_keeps_defaults() -> None:
    known = {"brand": "Lumen Coffee", "tone": "noir", "cadence": {"kind": "daily", "timezone": "UTC"}}
    fields = parse_brief("Tone: you decide. Product: the can. at 9pm Tokyo", known)
    assert fields["brand"] == "Lumen Coffee" and fields["tone"] == "noir" and fields["product"] == "the can"
    assert fields["cadence"] == {"kind": "daily", "timezone": "Asia/Tokyo", "release_time": "21:00"}
    assert known["cadence"] == {"kind": "daily", "timezone": "UTC"}  # caller's dict untouched


def test_markets_platforms_destination() -> None:
    fields = parse_brief("Markets: US, UK and Japan. Platforms: TikTok. Destination: Minis", {})
    assert fields["markets"] == ["US", "GB", "JP"]
    assert fields["platforms"] == ["tiktok"]
    assert fields["destination"] == "minis_center"
    assert parse_brief("publish to Drama Center and Minis", {})["destination"] == "both"


def test_small_talk_is_not_brief_info() -> None:
    assert not looks_like_brief_info("thanks, sounds fun")
    assert looks_like_brief_info("it's for Lumen. 10 episodes")
