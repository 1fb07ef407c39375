"""Scenarios at the arc: targeted revisions, undo, diffs, a change of mind, bible changes, start over."""

from __future__ import annotations

from sqlalchemy import select

from agent.brain.lint import lint_arc
from agent.domain import Brief, PersonaBrief
from agent.services import arcs
from agent.store.models import PersonaBriefVersion, ScriptVersion
from tests.scenarios.harness import Marketer


def test_targeted_revisions_keep_everything_else(at_arc: Marketer) -> None:
    before = at_arc.arc()
    reply = at_arc.say("make episode 3 darker")
    assert "Ep 3 revised" in reply and "revised" in reply and "*Checks*" in reply and "Tone" in reply
    after = at_arc.arc()
    assert after.episodes[2] != before.episodes[2] and "darker" in after.episodes[2].beat
    assert [e for i, e in enumerate(after.episodes) if i != 2] == [e for i, e in enumerate(before.episodes) if i != 2]
    reply = at_arc.say("cut 10 seconds from ep 5")
    cut = at_arc.arc()
    assert "Ep 5 revised" in reply
    assert before.episodes[4].word_count - cut.episodes[4].word_count >= 20  # ~25 words = 10 s
    assert cut.episodes[2] == after.episodes[2] and cut.episodes[0] == before.episodes[0]
    with at_arc.store.session() as session:
        assert arcs.version_count(session, at_arc.season().id) == 3
        versions = session.scalars(select(ScriptVersion.version).join(ScriptVersion.episode)).all()
        assert sorted(versions).count(2) == 2  # episodes 3 and 5 have a second script version, no others


def test_swap_the_rival_renames_only_that_character(at_arc: Marketer) -> None:
    before = at_arc.arc()
    rival = next(m.name for m in before.cast if m.role == "rival")
    reply = at_arc.say("swap the rival")
    after = at_arc.arc()
    new_rival = next(m.name for m in after.cast if m.role == "rival")
    assert new_rival != rival and f"*{rival}* is now *{new_rival}*" in reply
    assert rival not in after.model_dump_json()
    assert [m.name for m in after.cast if m.role != "rival"] == [m.name for m in before.cast if m.role != "rival"]
    assert [e.title for e in after.episodes] == [e.title for e in before.episodes]
    at_arc.say("replace the confidant with Marcus")
    assert next(m.name for m in at_arc.arc().cast if m.role == "confidant") == "Marcus"


def test_undo_and_diffs(at_arc: Marketer) -> None:
    original = at_arc.arc()
    at_arc.say("make episode 3 darker")
    at_arc.say("swap the rival")
    assert "Undone" in at_arc.say("undo")
    assert at_arc.arc().cast == original.cast and at_arc.arc().episodes[2] != original.episodes[2]
    assert "Undone" in at_arc.say("undo")
    assert at_arc.arc() == original
    assert "Nothing to undo" in at_arc.say("undo")
    diff = at_arc.say("diff v1 v2")
    assert "Changes v1 → v2" in diff and "Ep 3" in diff and "Ep 4 ·" not in diff
    changes = at_arc.say("show changes to ep 3")
    assert "Ep 3: v" in changes and "darker" in changes
    assert "v5 — undo → v1" in at_arc.say("versions")
    assert at_arc.stage() == "arc"


def test_change_of_mind_rewrites_the_arc_and_undo_restores_the_brief(at_arc: Marketer) -> None:
    reply = at_arc.say("actually, make it 10 episodes")
    assert "Changed the brief" in reply and "to cast the lead" in reply
    assert Brief.model_validate(at_arc.season().brief).episode_count == 10 and len(at_arc.arc().episodes) == 10
    reply = at_arc.say("make it 20 episodes")
    assert "nothing you told me is lost" in reply and "8–12" in reply
    assert len(at_arc.arc().episodes) == 10
    at_arc.say("undo")
    assert Brief.model_validate(at_arc.season().brief).episode_count == 8 and len(at_arc.arc().episodes) == 8
    assert at_arc.episode_count() == 8


def test_bible_changes_in_conversation(marketer: Marketer) -> None:
    reply = marketer.say("never say 'cheap' or 'guarantee'")
    assert "Show bible updated (v1)" in reply and "cheap, guarantee" in reply
    from tests.scenarios.conftest import FULL_BRIEF

    assert "to cast the lead" in marketer.say(FULL_BRIEF)
    arc = marketer.arc()
    word = "launch" if "launch" in arc.model_dump_json().lower() else arc.episodes[0].beat.split()[-1].strip(".,")
    reply = marketer.say(f"ban the word '{word}'")
    assert "Show bible updated (v2)" in reply
    season = marketer.season()
    with marketer.store.session() as session:
        rows = session.scalars(select(PersonaBriefVersion).where(PersonaBriefVersion.season_id == season.id)
                               .order_by(PersonaBriefVersion.version)).all()
        bible = PersonaBrief.model_validate(rows[-1].spec)
    assert len(rows) == 2 and word in bible.banned_words and "cheap" in bible.banned_words
    assert lint_arc(marketer.arc(), bible) == []  # nothing banned survives in the current arc
    assert "rewrote Ep" in reply or "already avoids" in reply
    reply = marketer.say("voice: dry and witty")
    assert "v3" in reply and "dry and witty" in reply and "Tone" in reply
    assert "Banned words*: cheap, guarantee" in marketer.say("show the bible")
    assert "you can say" not in marketer.say("you can say cheap again").lower()
    with marketer.store.session() as session:
        latest = session.scalars(select(PersonaBriefVersion).where(PersonaBriefVersion.season_id == season.id)
                                 .order_by(PersonaBriefVersion.version.desc())).first()
        assert "cheap" not in latest.spec["banned_words"] and latest.version == 4
    assert marketer.stage() == "arc"


def test_start_over_wipes_the_draft_and_returns_to_the_brief(at_arc: Marketer) -> None:
    assert "Fresh start" in at_arc.say("start over")
    assert at_arc.stage() == "brief" and at_arc.season().brief is None and at_arc.season().arc is None
    reply = at_arc.say("Brand: Borealis. Product: the Borealis parka. 9 episodes, 45 seconds.")
    assert "Before I write" in reply  # two optional fields: asked once about the rest
    assert "to cast the lead" in at_arc.say("you decide")
    assert len(at_arc.arc().episodes) == 9 and "Borealis" in at_arc.arc().title


def test_continuity_ledger_is_shown_on_request(at_arc: Marketer) -> None:
    reply = at_arc.say("continuity")
    assert "Continuity ledger" in reply and "picked up in Ep 2" in reply and "who knows" in reply
    assert "none — every hook is picked up" in reply
