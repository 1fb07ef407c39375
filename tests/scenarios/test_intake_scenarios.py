"""Scenarios at the brief: missing info, "you decide", bad values, format questions — asserted on DB and replies."""

from __future__ import annotations

from agent.domain import Brief
from tests.scenarios.conftest import FULL_BRIEF
from tests.scenarios.harness import Marketer


def test_happy_path_full_brief_goes_straight_to_the_arc(marketer: Marketer) -> None:
    reply = marketer.say(FULL_BRIEF)
    assert "to cast the lead" in reply and "*Checks*" in reply and "Tone" in reply
    assert "Before I write" not in reply and "I decided" not in reply  # nothing was left to decide
    brief = Brief.model_validate(marketer.season().brief)
    assert (brief.brand, brief.episode_count, brief.episode_length_s) == ("Lumen Coffee", 8, 30)
    assert brief.cadence.timezone == "America/New_York" and brief.markets == ["US", "CA"]
    assert len(marketer.arc().episodes) == 8 and marketer.stage() == "arc"


def test_missing_info_asks_only_for_what_is_missing(marketer: Marketer) -> None:
    first = marketer.say("Hi! We want a mini-drama season.")
    assert "brand, product" in first and marketer.season().brief is None
    second = marketer.say("Brand: Lumen Coffee")
    assert "Which *product*" in second and "Which *brand*" not in second
    assert "audience: young urban professionals" in second  # the open fields, each with its default, once
    third = marketer.say("Product: the Lumen cold-brew can")
    assert "I decided:" in third and "episode count: 10 episodes" in third and "to cast the lead" in third
    assert "Which" not in third
    brief = Brief.model_validate(marketer.season().brief)
    assert (brief.brand, brief.product, brief.episode_count, brief.episode_length_s) == (
        "Lumen Coffee", "the Lumen cold-brew can", 10, 60)


def test_you_decide_takes_the_stated_defaults(marketer: Marketer) -> None:
    question = marketer.say("Brand: Aster. Product: the Aster oat bar. 12 episodes.")
    assert "Before I write" in question and "episode length: 60 s" in question
    assert "episode count" not in question  # stated already: not asked again
    assert marketer.season().brief is None
    reply = marketer.say("you decide")
    assert "I decided:" in reply and "episode length: 60 s each" in reply
    brief = Brief.model_validate(marketer.season().brief)
    assert brief.episode_count == 12 and brief.episode_length_s == 60 and brief.audience
    assert len(marketer.arc().episodes) == 12


def test_bad_values_get_a_reason_and_a_suggestion_never_a_trace(marketer: Marketer) -> None:
    reply = marketer.say("Brand: Lumen Coffee. Product: Night Brew. 40 episodes, 5 seconds each.")
    assert "nothing you told me is lost" in reply
    assert "8–12 episodes (you asked for 40)" in reply and "try 12" in reply
    assert "15–120 seconds (you asked for 5 s)" in reply and "try 45 or 60" in reply
    assert "Traceback" not in reply and "ValidationError" not in reply
    assert marketer.season().brief is None and marketer.stage() == "brief"
    reply = marketer.say("ok: 10 episodes, 45 seconds")
    assert "to cast the lead" in reply
    brief = Brief.model_validate(marketer.season().brief)
    assert (brief.brand, brief.episode_count, brief.episode_length_s) == ("Lumen Coffee", 10, 45)


def test_minis_center_outside_its_markets_is_explained(marketer: Marketer) -> None:
    reply = marketer.say("Brand: Lumen. Product: Night Brew. Destination: Minis Center. Markets: UK, Japan. "
                         "8 episodes, 30 seconds.")
    assert "Minis Center is only available in" in reply and "GB" in reply and "Drama Center" in reply
    assert marketer.season().brief is None
    reply = marketer.say("Markets: Japan")
    assert "Before I write" in reply or "to cast the lead" in reply
    if "Before I write" in reply:
        reply = marketer.say("you decide")
    brief = Brief.model_validate(marketer.season().brief)
    assert brief.markets == ["JP"] and brief.destination.value == "minis_center"


def test_format_questions_and_unknowns_keep_the_brief_stage(marketer: Marketer) -> None:
    assert "Drama Center publishes" in marketer.say("What is Drama Center?")
    assert "15 to 120 seconds" in marketer.say("how long can episodes be?")
    assert "How this works" in marketer.say("help")
    assert "brand, product" in marketer.say("blorp")
    assert marketer.stage() == "brief" and marketer.season().brief is None
    assert "to cast the lead" in marketer.say(FULL_BRIEF)
