"""A marketer writing the way marketers write (issue 12): prose briefs, several requests at once, bad values,
agreement at choices, changing the lead after casting."""

from __future__ import annotations

import pytest

from agent.domain import Brief
from tests.scenarios.harness import Marketer

# Three natural briefs of our own, each expected to reach an arc in one turn.
NATURAL_BRIEFS = [
    (("We'd love a season for Juniper & Sage, our lavender sleep tea, aimed at new parents who never sleep. "
     "Cosy romance, 8 episodes of 45 seconds, posting Tue/Fri at 7pm London."),
     {"brand": "Juniper & Sage", "product": "lavender sleep tea", "episode_count": 8, "episode_length_s": 45}),
    (("hey! we're Fahrradwerk and we make folding e-bikes for city commuters. workplace comedy pls, "
     "ten episodes, 30s each"),
     {"brand": "Fahrradwerk", "product": "folding e-bikes", "episode_count": 10, "episode_length_s": 30}),
    (("Maison Brûlée here — our hero product is the crème brûlée kit. Audience: home cooks who love a show-off "
     "dessert. Think telenovela. 12 episodes, one minute each."),
     {"brand": "Maison Brûlée", "product": "crème brûlée kit", "episode_count": 12, "episode_length_s": 60}),
]


@pytest.mark.parametrize(("text", "expected"), NATURAL_BRIEFS)
def test_a_prose_brief_reaches_an_arc_in_one_turn(marketer: Marketer, text: str, expected: dict) -> None:
    reply = marketer.say(text)
    assert marketer.stage() == "arc", reply
    brief = Brief.model_validate(marketer.season().brief)
    for field, value in expected.items():
        got = str(getattr(brief, field)).lower().removeprefix("the ")
        assert got == str(value).lower(), (field, got)


def test_tue_fri_is_weekly(marketer: Marketer) -> None:
    marketer.say(NATURAL_BRIEFS[0][0])
    cadence = Brief.model_validate(marketer.season().brief).cadence
    assert cadence.kind.value == "weekly" and cadence.weekdays == [1, 4]
    assert cadence.timezone == "Europe/London"


def test_two_revisions_in_one_message_change_both_episodes(at_arc: Marketer) -> None:
    before = at_arc.arc()
    reply = at_arc.say("make episode 3 darker and cut the product from episode 7")
    after = at_arc.arc()
    assert after.episodes[2] != before.episodes[2] and after.episodes[6] != before.episodes[6], reply
    assert [e for i, e in enumerate(after.episodes) if i not in (2, 6)] == \
        [e for i, e in enumerate(before.episodes) if i not in (2, 6)]
    assert "Ep 3 revised" in reply and "Ep 7 revised" in reply
    assert "Undone" in at_arc.say("undo") and at_arc.arc() == before


def test_unread_parts_of_a_message_are_named(at_arc: Marketer) -> None:
    reply = at_arc.say("make episode 2 funnier and also write me a poem about cats")
    assert "Ep 2 revised" in reply
    assert "Not done" in reply and "poem" in reply


def test_numbers_at_the_arc_stage_are_a_change_not_approval(at_arc: Marketer) -> None:
    reply = at_arc.say("ok then 12 episodes of 90 seconds")
    assert at_arc.stage() == "arc", reply
    brief = Brief.model_validate(at_arc.season().brief)
    assert (brief.episode_count, brief.episode_length_s) == (12, 90)
    assert len(at_arc.arc().episodes) == 12


@pytest.mark.parametrize(("text", "reason"), [
    ("-3 episodes", "negative"),
    ("zero episodes", "no season at all"),
    ("a million episodes", "far beyond"),
])
def test_bad_counts_are_refused_specifically_and_the_old_value_kept(marketer: Marketer, text: str,
                                                                     reason: str) -> None:
    marketer.say("Brand: Aster. Product: the Aster oat bar. 9 episodes.")
    reply = marketer.say(text)
    assert reason in reply, reply
    reply = marketer.say("you decide")
    assert marketer.stage() == "arc", reply
    assert Brief.model_validate(marketer.season().brief).episode_count == 9


def test_unknown_time_zone_names_the_closest_zones(marketer: Marketer) -> None:
    reply = marketer.say("Brand: Aster. Product: oat bars. Daily at 6pm, timezone Europe/Pariss")
    assert "Pariss" in reply and "Europe/Paris" in reply, reply


def test_every_zero_days_is_refused(marketer: Marketer) -> None:
    reply = marketer.say("Brand: Aster. Product: oat bars. every 0 days at 6pm")
    assert "every 0 days" in reply, reply


def test_refusals_carry_a_reason(marketer: Marketer) -> None:
    marketer.say("Brand: Aster")
    reply = marketer.say("that's all, go")
    assert "product" in reply and "can't start" in reply, reply
    reply = marketer.say("book me a flight to Paris")
    assert "I can't do that" in reply and "mini-drama" in reply, reply


def test_the_same_question_twice_comes_with_an_example_and_the_form(marketer: Marketer) -> None:
    first = marketer.say("Brand: Aster")
    second = marketer.say("sounds good")
    assert "product" in first and "For example" not in first
    assert "For example" in second, second
    assert any(s.kind == "form" for s in marketer.channel.said)


def test_banning_two_words_in_prose(at_arc: Marketer) -> None:
    reply = at_arc.say("never use the words diet or skinny anywhere")
    assert "diet" in reply and "skinny" in reply and "anywhere" not in reply.split("Banned words")[-1].split("\n")[0]


def test_agreement_takes_the_recommended_lead_and_the_script_uses_their_name(at_arc: Marketer) -> None:
    offer = at_arc.say("looks good")
    assert "I recommend" in offer
    reply = at_arc.say("go ahead")
    assert "locked as the lead" in reply, reply
    lead = at_arc.season().lead["name"]
    arc = at_arc.arc()
    assert next(m.name for m in arc.cast if m.role == "lead") == lead


def test_the_lead_can_change_after_casting(at_look: Marketer) -> None:
    season = at_look.season()
    first = season.lead["name"]
    offered = [m for m in at_look.channel.said if m.kind == "upload" and ". " in m.text]
    other = next(m.text.split(". ", 1)[1] for m in offered if m.text.split(". ", 1)[1] != first)
    reply = at_look.say(f"actually go with {other} instead")
    assert f"{other}* is now the lead" in reply, reply
    assert at_look.season().lead["name"] == other
    lines = " ".join(line.speaker for ep in at_look.arc().episodes for line in ep.lines)
    assert other.upper() in lines.upper() and first.upper() not in lines.upper()


def test_status_json_carries_the_brief_and_the_bible(marketer: Marketer) -> None:
    from tools.status import season_view

    marketer.say(NATURAL_BRIEFS[0][0])
    marketer.say("never say 'cheap'")
    view = season_view(marketer.store, marketer.season().id).model_dump(mode="json")
    brief = view["brief"]
    assert (brief["brand"], brief["episode_count"], brief["episode_length_s"]) == ("Juniper & Sage", 8, 45)
    assert brief["cadence"] == "weekly on Tue, Fri at 19:00 Europe/London" and brief["banned_words"] == ["cheap"]
    assert brief["audience"] and brief["tone"] and brief["product"] == "lavender sleep tea"


def test_an_unreadable_palette_is_refused_with_the_reason(at_look: Marketer) -> None:
    reply = at_look.say("palette: teal and sand")
    assert "hex" in reply and "look is unchanged" in reply, reply
