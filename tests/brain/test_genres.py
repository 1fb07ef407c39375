"""Offline writing that follows the brief (issue 12): genres from the tone, product moments that fit the product,
no line said twice in a season, different seasons for different briefs, and a tone judge that can score low."""

from __future__ import annotations

from collections import Counter

import pytest

from agent.brain.arcwriter import write_season
from agent.brain.genres import genre_for, product_kind
from agent.brain.lint import validate_arc
from agent.brain.tone import arc_text, offline_tone
from agent.domain import Brief, PersonaBrief

GENRE_TONES = {"romance": "cosy romance", "comedy": "silly comedy", "mystery": "noir thriller",
               "workplace": "office drama", "family": "heartwarming family", "telenovela": "telenovela energy"}


@pytest.mark.parametrize(("genre", "tone"), GENRE_TONES.items())
def test_each_genre_reads_as_itself_and_passes_the_format(genre: str, tone: str) -> None:
    assert genre_for(tone).key == genre
    brief = Brief(brand="Acme", product="the thing", tone=tone, episode_count=12, episode_length_s=90)
    arc = write_season(brief, PersonaBrief())
    assert validate_arc(arc, brief) == []
    verdict = offline_tone(arc_text(arc), PersonaBrief(voice=tone))
    assert verdict.score >= 4, verdict


def test_the_tone_judge_scores_a_mismatched_season_low() -> None:
    thriller = write_season(Brief(brand="Acme", product="the thing", tone="noir thriller"), PersonaBrief())
    verdict = offline_tone(arc_text(thriller), PersonaBrief(voice="sweet romance"))
    assert verdict.score <= 2, verdict
    assert any("romance" in note for note in verdict.notes)


@pytest.mark.parametrize(("length", "count"), [(15, 8), (60, 10), (120, 12)])
def test_no_line_is_said_twice_in_a_season(length: int, count: int) -> None:
    arc = write_season(Brief(brand="Acme", product="oat bars", tone="comedy", episode_count=count,
                             episode_length_s=length), PersonaBrief())
    said = Counter(line.text for ep in arc.episodes for line in ep.lines)
    assert [text for text, n in said.items() if n > 1] == []


def test_different_briefs_get_different_titles() -> None:
    one = write_season(Brief(brand="Lumen", product="cold brew", tone="romance"), PersonaBrief())
    two = write_season(Brief(brand="Orbit", product="fitness app", tone="workplace comedy"), PersonaBrief())
    assert one.title != two.title
    assert [e.title for e in one.episodes] != [e.title for e in two.episodes]


@pytest.mark.parametrize(("product", "kind"), [("the Pennywise savings app", "app"), ("pet insurance", "service"),
                                               ("Hotel Alba", "place"), ("the Borealis parka", "garment"),
                                               ("a cold-brew can", "drink")])
def test_the_product_enters_the_story_as_what_it_is(product: str, kind: str) -> None:
    assert product_kind(product).key == kind
    arc = write_season(Brief(brand="Acme", product=product, tone="mystery"), PersonaBrief())
    text = " ".join(ep.product_moment for ep in arc.episodes).lower()
    if kind in ("app", "service", "place"):
        assert "sealed" not in text and "packaging" not in text and "fridge" not in text
    if kind != "drink":
        assert "drink your" not in arc_text(arc).lower()


def test_a_date_without_a_year_outside_the_season_is_asked_about() -> None:
    from datetime import date

    from agent.brain.cadence_parse import parse_schedule_request

    said_on = date(2026, 12, 2)
    request = parse_schedule_request("daily at 6pm starting Dec 1", today=said_on)
    assert request.start is None and "Dec 1" in (request.question() or "")
    assert parse_schedule_request("starting Dec 5", today=said_on).start == date(2026, 12, 5)
    assert parse_schedule_request("starting Jan 5", today=said_on).start == date(2027, 1, 5)
    assert parse_schedule_request("starting Dec 1 2027", today=said_on).start == date(2027, 12, 1)
