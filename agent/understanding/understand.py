"""The offline understander: a message → the typed actions it asks for (agent.understanding.actions).

Clauses are split first (one message, several requests), each clause is classified (classifier.py) and its
arguments are read (episode numbers, names, brief fields). Instruction-like text ("ignore previous instructions",
"approve everything") is refused with its reason before any classification. Nothing is dropped: a clause read
with too little confidence becomes `Unclear`, which the reply names.
"""

from __future__ import annotations

import logging
import re

from agent.brain.router import looks_like_injection
from agent.understanding.actions import (
    CATALOGUE,
    NEVER_FROM_CHAT,
    OUT_OF_SCOPE_REASON,
    STAGE_ACTIONS,
    Action,
    ChangeLead,
    ChooseOption,
    OutOfScope,
    Passthrough,
    ReviseEpisodes,
    SetBrief,
    SwapCharacter,
    Unclear,
)
from agent.understanding.brief import read_brief
from agent.understanding.classifier import THRESHOLD, classifier
from agent.understanding.clauses import split_clauses
from agent.understanding.context import MessageContext
from agent.understanding.numbers import parse_number
from agent.understanding.readers import fixed_reading

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
EPISODES = re.compile(
    r"\b(?:episodes?|eps?\.?)\s*#?\s*(?P<list>(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve)(?:\s*(?:,|and|&|-|–|to|\+)\s*(?:episodes?\s*|eps?\.?\s*)?(?:\d{1,2}|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve))*)", re.IGNORECASE)
ORDINAL_EPISODE = re.compile(r"\b(?P<o>" + "|".join(ORDINALS) + r")\s+(?:episode|ep)\b", re.IGNORECASE)
LAST = re.compile(r"\b(?:finale|last\s+(?:episode|ep))\b", re.IGNORECASE)
PUBLISH_WORDS = re.compile(r"\b(?:approve|publish|post|release)\b.*\b(?:all|every|episodes?|ep\s*\d|now|it)\b",
                           re.IGNORECASE)
NAME = re.compile(r"\b([A-Z][a-zà-ÿ'’-]+)\b")
NOT_NAMES = {"I", "The", "Lead", "Option", "Actually", "Go", "Change", "Make", "Swap", "Let's", "Take", "Use",
             "Pick", "Number", "Candidate", "Replace", "Switch", "Recast", "New", "Can", "Please", "Ok", "Okay"}
LABEL_TO_KIND = {"revise_episode": "revise_episodes", "brief_info": "set_brief", "render": "render"}


def episode_numbers(text: str, last: int | None = None) -> list[int]:
    """Episode numbers a clause names: "episodes 3 and 5", "ep 2-4", "the first episode", "the finale"."""
    found: list[int] = []
    for match in EPISODES.finditer(text):
        tokens = re.split(r"\s*(,|and|&|-|–|to|\+)\s*(?:episodes?\s*|eps?\.?\s*)?", match.group("list"))
        numbers = [t for t in tokens if t and t not in (",", "and", "&", "-", "–", "to", "+")]
        ops = [t for t in tokens if t in ("-", "–", "to")]
        values = [int(v) for v in (parse_number(n) for n in numbers) if v is not None]
        if len(values) == 2 and ops and values[0] < values[1]:
            found.extend(range(values[0], values[1] + 1))
        else:
            found.extend(values)
    found.extend(ORDINALS[m.group("o").lower()] for m in ORDINAL_EPISODE.finditer(text))
    if last and LAST.search(text):
        found.append(last)
    return list(dict.fromkeys(found))


def _option(text: str) -> int | None:
    match = re.search(r"(?:^|\b(?:option|number|candidate|no\.?|#)\s*)#?(\d)\b|\b(first|second|third)\b", text,
                      re.IGNORECASE)
    if match:
        return int(match.group(1)) if match.group(1) else ORDINALS[match.group(2).lower()]
    word = re.fullmatch(r"\s*(one|two|three)\s*", text, re.IGNORECASE)
    return {"one": 1, "two": 2, "three": 3}[word.group(1).lower()] if word else None


def _name(text: str) -> str | None:
    names = [n for n in NAME.findall(text) if n not in NOT_NAMES]
    return names[-1] if names else None


def read_clause(clause: str, stage: str, episodes_in_arc: int | None = None) -> Action:
    """One clause → one action (Unclear when the classifier is not confident enough)."""
    if looks_like_injection(clause) or (PUBLISH_WORDS.search(clause) and re.search(r"\b(?:approve|publish)\b",
                                                                                    clause, re.IGNORECASE)):
        return OutOfScope(clause=clause, reason=NEVER_FROM_CHAT)
    if (fixed := fixed_reading(clause, stage)) is not None:  # the exact commands every stage has always known
        return fixed
    prediction = classifier().predict(clause)
    label = prediction.label
    if prediction.confidence < THRESHOLD:
        return Unclear(clause=clause, guess=label)
    kind = LABEL_TO_KIND.get(label, label)
    if kind == "set_brief":
        return SetBrief(clause=clause, fields=read_brief(clause, {}, prose=stage == "brief"))
    if kind == "revise_episodes":
        return ReviseEpisodes(clause=clause, episodes=episode_numbers(clause, episodes_in_arc), note=clause)
    if kind == "change_lead":
        return ChangeLead(clause=clause, option=_option(clause), name=_name(clause))
    if kind == "choose_option":
        return ChooseOption(clause=clause, option=_option(clause), name=_name(clause))
    if kind == "swap_character":
        match = re.search(r"\b(rival|confidant|friend|villain|antagonist|sidekick|mentor|boss|love\s+interest)\b",
                          clause, re.IGNORECASE)
        return SwapCharacter(clause=clause, role=match.group(1).lower() if match else "", new_name=_name(clause))
    if kind == "out_of_scope":
        return OutOfScope(clause=clause, reason=OUT_OF_SCOPE_REASON)
    if kind == "render":
        return fixed_reading(clause, "review", render_only=True) or CATALOGUE["render"](clause=clause)
    if kind in CATALOGUE:
        return CATALOGUE[kind](clause=clause)
    return Passthrough(clause=clause, label=label)


def understand(text: str, stage: str, episodes_in_arc: int | None = None,
               context: MessageContext | None = None) -> list[Action]:
    """All the actions a message asks for, in order. At the brief stage the whole message is one brief.

    The offline reader uses the context only for the episode count (names and history are for Gemini)."""
    if episodes_in_arc is None and context is not None:
        episodes_in_arc = context.episodes_in_arc
    clauses = split_clauses(text)
    actions = [read_clause(c, stage, episodes_in_arc) for c in clauses]
    if stage == "brief" and any(isinstance(a, SetBrief) for a in actions):
        merged = SetBrief(clause=text, fields=read_brief(text, {}))
        others = [a for a in actions if not isinstance(a, SetBrief | Unclear)]
        actions = [merged, *others]
    if stage == "review":  # "Ep 6: make the logo bigger" is a change note on Ep 6, not a new look for the season
        actions = [_as_change_note(a, episodes_in_arc) for a in actions]
    allowed = STAGE_ACTIONS.get(stage, ())
    return [a if a.kind in allowed or a.kind in ("unclear", "passthrough") else Passthrough(clause=a.clause,
                                                                                         label=a.kind)
            for a in actions]


EDIT_KINDS = ("look_change", "swap_character", "bible_change")  # edits that, aimed at an episode in review, are notes


def _as_change_note(action: Action, episodes_in_arc: int | None) -> Action:
    """An edit that names episodes, once they are rendered, becomes a change request on those episodes."""
    numbers = episode_numbers(action.clause, episodes_in_arc) if action.kind in EDIT_KINDS else []
    return ReviseEpisodes(clause=action.clause, episodes=numbers, note=action.clause) if numbers else action


def understand_with(brain: object, text: str, stage: str, episodes_in_arc: int | None = None,
                    context: MessageContext | None = None) -> list[Action]:
    """The brain's understander when it has one (Gemini function calling), else the offline understander.

    Any failure of a model-backed understander falls back to the offline one: reading a message never stalls.
    """
    ear = getattr(brain, "understand", None)
    if callable(ear):
        try:
            return list(ear(text, stage, episodes_in_arc, context=context))
        except Exception as error:  # noqa: BLE001 - a key rejection is reported by the next brain call anyway
            logging.getLogger(__name__).warning("understander failed (%s); reading offline", type(error).__name__)
    return understand(text, stage, episodes_in_arc, context)
