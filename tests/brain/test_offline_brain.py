"""The offline brain writes a coherent, deterministic season and revises one episode at a time."""

from __future__ import annotations

import pytest

from agent.brain import OfflineBrain, make_brain
from agent.brain.lint import is_unresolved, key_words, lint_arc, lint_text, mentions_product, validate_arc
from agent.domain import Brief, PersonaBrief
from agent.ports import Brain


def test_factory_without_key_is_offline_and_satisfies_the_protocol() -> None:
    brain = make_brain(None, "gemini-2.5-flash", None)
    assert isinstance(brain, OfflineBrain) and isinstance(brain, Brain) and brain.name == "offline"


@pytest.mark.parametrize(("count", "length"), [(8, 40), (10, 60), (12, 15), (9, 119), (11, 90)])
def test_season_is_coherent(brief: Brief, bible: PersonaBrief, count: int, length: int) -> None:
    brief = brief.model_copy(update={"episode_count": count, "episode_length_s": length})
    arc = OfflineBrain().write_arc(brief, bible)
    assert len(arc.episodes) == count
    assert validate_arc(arc, brief) == []
    for episode in arc.episodes:
        assert abs(episode.estimated_duration_s - length) <= 0.15 * length
        assert episode.offline_draft
        assert episode.product_moment and mentions_product(
            " ".join([episode.cold_open, episode.beat, *(l.text for l in episode.lines[:-1])]), brief)
    for previous, episode in zip(arc.episodes, arc.episodes[1:]):
        assert key_words(previous.cliffhanger) & key_words(episode.cold_open)
        assert is_unresolved(previous.cliffhanger)
    assert arc.offline_draft and arc.premise.startswith("[offline draft]")
    assert [m.role for m in arc.cast] == ["lead", "rival", "confidant"]
    assert len({m.name for m in arc.cast}) == 3
    assert lint_arc(arc, bible) == []


def test_first_hooks_last_pays_off(brief: Brief) -> None:
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    assert arc.episodes[0].cliffhanger.endswith("?")
    assert arc.episodes[-1].title == "The Reveal"
    assert "truth" in arc.episodes[-1].beat


def test_same_brief_same_season_different_brands_differ(brief: Brief, bible: PersonaBrief) -> None:
    brain = OfflineBrain()
    assert brain.write_arc(brief, bible) == OfflineBrain().write_arc(brief.model_copy(), bible)
    others = {brain.write_arc(brief.model_copy(update={"brand": b, "product": f"the {b} bar"}), bible).title
              for b in ("Aster", "Borealis", "Cobalt", "Dune", "Ember", "Fable", "Gusto", "Halo")}
    assert len({t.split(": ", 1)[1] for t in others}) >= 3


def test_revise_darker_changes_only_that_episode(brief: Brief, bible: PersonaBrief) -> None:
    brain = OfflineBrain()
    arc = brain.write_arc(brief, bible)
    before = arc.model_copy(deep=True)
    revised = brain.revise_episode(arc, 3, "make episode 3 darker", bible)
    assert arc == before  # the arc is not mutated
    assert revised.number == 3 and revised.title == arc.episodes[2].title
    assert "darker" in revised.beat and revised.cliffhanger != before.episodes[2].cliffhanger
    assert key_words(before.episodes[1].cliffhanger) & key_words(revised.cold_open)
    assert key_words(revised.cliffhanger) & key_words(before.episodes[3].cold_open)
    assert is_unresolved(revised.cliffhanger)
    again = brain.revise_episode(arc.model_copy(update={"episodes": [*arc.episodes[:2], revised, *arc.episodes[3:]]}),
                                 3, "darker still", bible)
    assert again.title == revised.title and again.beat != revised.beat


def test_revise_cut_seconds_drops_lines_but_keeps_product_and_cliffhanger(brief: Brief, bible: PersonaBrief) -> None:
    brief = brief.model_copy(update={"episode_length_s": 90})
    brain = OfflineBrain()
    arc = brain.write_arc(brief, bible)
    original = arc.episodes[4]
    revised = brain.revise_episode(arc, 5, "cut 20 seconds", bible)
    assert len(revised.lines) < len(original.lines)
    assert original.estimated_duration_s - revised.estimated_duration_s >= 15
    assert revised.lines[-1] == original.lines[-1]
    assert mentions_product(" ".join(l.text for l in revised.lines[:-1]), brief)
    shorter = brain.revise_episode(arc, 5, "shorter please", bible)
    assert shorter.estimated_duration_s < original.estimated_duration_s


def test_revise_other_notes_are_woven_in_visibly(brief: Brief) -> None:
    bible = PersonaBrief(banned_words=["sister"])
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    revised = OfflineBrain().revise_episode(arc, 2, "make episode 2 about the rival's secret twin", PersonaBrief())
    assert "the rival's secret twin" in revised.beat
    assert revised.lines != arc.episodes[1].lines  # visible in the video too…
    assert not any("secret twin" in line.text for line in revised.lines)  # …but the note is never read aloud
    scrubbed = OfflineBrain().revise_episode(arc, 2, "give her a sister", bible)
    assert not lint_text(scrubbed.beat, bible)
    with pytest.raises(ValueError, match="no episode 20"):
        OfflineBrain().revise_episode(arc, 20, "darker", bible)


def test_propose_cast_gives_three_distinct_leads(brief: Brief) -> None:
    brain = OfflineBrain()
    arc = brain.write_arc(brief, PersonaBrief())
    drafts = brain.propose_cast(brief, arc)
    assert len(drafts) == 3 and len({d.name for d in drafts}) == 3
    assert drafts[0].name == arc.cast[0].name
    assert all(d.description and brief.audience in d.description for d in drafts)
    assert drafts == brain.propose_cast(brief, arc)


def test_cutting_the_product_takes_it_out_of_the_dialogue(brief: Brief) -> None:
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    before = arc.episodes[6]
    revised = OfflineBrain().revise_episode(arc, 7, "cut the product from episode 7, it feels too salesy", PersonaBrief())
    spoken = " ".join(line.text for line in revised.lines).lower()
    assert "cold-brew" in " ".join(line.text for line in before.lines).lower() and "cold-brew" not in spoken
    assert "salesy" not in spoken and "please" not in revised.beat


def test_two_darker_episodes_do_not_read_alike(brief: Brief) -> None:
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    three = OfflineBrain().revise_episode(arc, 3, "darker", PersonaBrief())
    four = OfflineBrain().revise_episode(arc, 4, "darker", PersonaBrief())
    assert three.lines[-2].text != four.lines[-2].text
