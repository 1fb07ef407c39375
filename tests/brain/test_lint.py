"""Banned-word lint and the arc format validator."""

from __future__ import annotations

from agent.brain.lint import lint_text, scrub, validate_arc
from agent.brain.offline import OfflineBrain
from agent.domain import Brief, PersonaBrief


def test_lint_is_word_boundary_case_insensitive_with_positions() -> None:
    bible = PersonaBrief(banned_words=["free", "game changer"])
    findings = lint_text("Free coffee! Freedom is a Game  Changer, freely.", bible)
    assert [(f.word, f.start, f.end) for f in findings] == [("Free", 0, 4), ("Game  Changer", 26, 39)]


def test_scrub_substitutes_neutral_words_and_keeps_case() -> None:
    bible = PersonaBrief(banned_words=["cheap", "free"])
    assert scrub("Cheap and free, not freedom.", bible) == "Affordable and included, not freedom."
    assert lint_text(scrub("cheap cheap", bible), bible) == []


def test_validate_arc_flags_each_format_break(brief: Brief) -> None:
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    assert validate_arc(arc, brief) == []
    broken = arc.model_copy(deep=True)
    broken.episodes[1].cold_open = "A quiet morning."
    broken.episodes[2].cliffhanger = "Case closed, everything is fine."
    broken.episodes[3].product_moment = ""
    broken.episodes[4].lines = broken.episodes[4].lines[:1]
    problems = validate_arc(broken, brief.model_copy(update={"episode_count": 9}))
    joined = " | ".join(problems)
    assert "9" in joined and "episode 2's cold open" in joined
    assert "episode 3's cliffhanger resolves" in joined
    assert "episode 4 has no product moment" in joined
    assert "episode 5 runs about" in joined


def test_product_only_in_last_line_is_flagged(brief: Brief) -> None:
    arc = OfflineBrain().write_arc(brief, PersonaBrief())
    episode = arc.episodes[0]
    episode.cold_open = "Dark hallway."
    episode.beat = "A chase."
    for line in episode.lines:
        line.text = "Run."
    episode.lines[-1].text = "Buy the Lumen cold-brew can."
    assert any("only at the end" in p for p in validate_arc(arc, brief))
