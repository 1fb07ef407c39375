"""Format answers from the prompt file, character swaps, the continuity ledger and arc diffs."""

from __future__ import annotations

from agent.brain.castswap import parse_swap, swap_character
from agent.brain.faq import answer, is_question
from agent.brain.offline import OfflineBrain
from agent.domain import Arc, Brief, Line, PersonaBrief
from agent.services.arcs import diff_arcs
from agent.services.ledger import build_ledger, ledger_text, lint_scripts


def _arc(brief: Brief) -> Arc:
    return OfflineBrain().write_arc(brief, PersonaBrief())


def test_faq_answers_come_from_the_file_and_only_for_questions() -> None:
    assert "Minis Center" in (answer("What's the difference between Drama Center and Minis?") or "")
    assert "8 to 12" in (answer("how many episodes can a season have?") or "")
    assert answer("make episode 3 darker") is None and answer("Drama Center") is None
    assert is_question("can I upload a logo") and not is_question("lock it")


def test_swap_parsing_and_renaming(brief: Brief) -> None:
    arc = _arc(brief)
    rival = next(m for m in arc.cast if m.role == "rival")
    assert parse_swap("swap the rival", arc) == ("rival", None)
    assert parse_swap("replace the villain with Marcus", arc) == ("rival", "Marcus")
    assert parse_swap(f"swap {rival.name} for Jo", arc) == ("rival", "Jo")
    assert parse_swap("change the product moment", arc) is None
    swapped, old, new = swap_character(arc, "rival")
    assert old == rival.name and new not in {m.name for m in arc.cast}
    assert old not in swapped.model_dump_json()
    assert [e.title for e in swapped.episodes] == [e.title for e in arc.episodes]
    assert swap_character(arc, "rival") == (swapped, old, new)  # deterministic


def test_ledger_of_a_good_arc_has_no_findings(brief: Brief) -> None:
    arc = _arc(brief)
    ledger = build_ledger(arc, brief)
    assert ledger.findings == []
    assert [t.picked_up_in for t in ledger.threads[:-1]] == list(range(2, len(arc.episodes) + 1))
    assert ledger.episodes[0].introduced and ledger.open_threads == [ledger.threads[-1]]
    assert "picked up in Ep 2" in ledger_text(ledger)


def test_ledger_finds_dropped_hooks_strangers_and_missing_product(brief: Brief) -> None:
    arc = _arc(brief)
    broken = arc.model_copy(deep=True)
    broken.episodes[3].cold_open = "A sunny afternoon at the beach."
    broken.episodes[4].lines.insert(1, Line(speaker="Gregor", text="I know everything."))
    broken.episodes[5].product_moment = ""
    findings = lint_scripts(broken, brief)
    assert any("Ep 4's cold open drops Ep 3's cliffhanger" in f for f in findings)
    assert any("Gregor speaks but was never introduced" in f for f in findings)
    assert any(f.startswith("Ep 6: product moment missing") for f in findings)
    finale = broken.episodes[-1]
    broken.episodes[-1] = finale.model_copy(update={"beat": "Zzz.", "product_moment": "Zzz.", "lines": [
        Line(speaker="Narrator", text="Zzz.")]})
    assert any("finale" in f for f in lint_scripts(broken, brief))


def test_diff_names_only_what_changed(brief: Brief) -> None:
    arc = _arc(brief)
    revised = OfflineBrain().revise_episode(arc, 3, "make it darker", PersonaBrief())
    after = arc.model_copy(update={"episodes": [revised if e.number == 3 else e for e in arc.episodes]})
    diff = diff_arcs(arc, after)
    assert any(line.startswith("*Ep 3") for line in diff) and not any(line.startswith("*Ep 4") for line in diff)
    assert diff_arcs(arc, arc) == [] and diff_arcs(arc, after, only_episode=4) == []
