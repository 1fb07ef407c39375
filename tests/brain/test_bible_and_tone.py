"""Bible commands are read exactly as typed; the offline tone judge reacts to what the voice implies."""

from __future__ import annotations

import pytest

from agent.brain.biblecmd import parse_bible_change
from agent.brain.tone import judge, offline_tone
from agent.domain import PersonaBrief
from agent.services.bible import apply_change, check_text


@pytest.mark.parametrize(("text", "field", "value"), [
    ("never say 'cheap' or 'guarantee'", "ban", ["cheap", "guarantee"]),
    ("Don't use the word cheap", "ban", ["cheap"]),
    ("ban the words free, miracle", "ban", ["free", "miracle"]),
    ('avoid "game changer"', "ban", ["game changer"]),
    ("banned words: cheap, free", "ban", ["cheap", "free"]),
    ("you can say cheap again", "allow", ["cheap"]),
    ("voice: dry and witty", "voice", "dry and witty"),
    ("the voice should be warm and dry", "voice", "warm and dry"),
    ("vocabulary: ritual, night shift", "vocabulary", ["ritual", "night shift"]),
    ("do: show the can in use", "dos", ["show the can in use"]),
    ("don't: mention competitors", "donts", ["mention competitors"]),
    ("show the bible", "show", True),
])
def test_bible_changes_are_parsed(text: str, field: str, value: object) -> None:
    change = parse_bible_change(text)
    assert change is not None and getattr(change, field) == value


@pytest.mark.parametrize("text", ["make episode 3 darker", "looks good", "Brand: Lumen. Tone: cosy",
                                  "no more exclamation marks", "avoid the rival being mean",
                                  "don't make ep 3 so dark"])
def test_other_messages_are_not_bible_changes(text: str) -> None:
    assert parse_bible_change(text) is None


def test_apply_change_versions_are_additive_and_allow_removes() -> None:
    bible = PersonaBrief(banned_words=["cheap"])
    banned = apply_change(bible, parse_bible_change("never say 'Cheap' or 'free'"))  # type: ignore[arg-type]
    assert banned.banned_words == ["cheap", "free"]
    allowed = apply_change(banned, parse_bible_change("allow cheap"))  # type: ignore[arg-type]
    assert allowed.banned_words == ["free"] and bible.banned_words == ["cheap"]


def test_offline_tone_judge_scores_what_the_voice_implies() -> None:
    calm = PersonaBrief(voice="dry and understated")
    loud = "Wow! This is amazing! Buy it now! Best ever!"
    quiet = "She sets the can down. Nobody speaks. Then the lights go out?"
    assert offline_tone(loud, calm).score < offline_tone(quiet, calm).score
    assert "shout" in " ".join(offline_tone(loud, calm).notes)
    banned = offline_tone("This is cheap.", PersonaBrief(banned_words=["cheap"]))
    assert banned.score <= 3 and "cheap" in banned.notes[0]
    vocab = PersonaBrief(vocabulary=["ritual"])
    assert offline_tone("our nightly ritual", vocab).score > offline_tone("our nightly habit", vocab).score
    assert offline_tone(quiet, calm).line().startswith("*Tone* (offline judge)")


def test_judge_falls_back_when_a_model_judge_fails() -> None:
    class Broken:
        def judge_tone(self, text: str, bible: PersonaBrief) -> None:
            raise RuntimeError("down")

    verdict = judge(Broken(), "Quiet. Then a knock?", PersonaBrief())
    assert verdict.judge == "offline" and "model judge unavailable" in verdict.notes


def test_check_text_flags_banned_words_for_any_copy() -> None:
    result = check_text("A cheap trick, guaranteed.", PersonaBrief(banned_words=["cheap"]), object(), "caption")
    assert [f.word for f in result.findings] == ["cheap"]
    assert result.lines()[0] == "banned word “cheap” in caption" and result.tone is not None
