"""The one catalogue at every stage (issue 12 §1, §3): status, figures, help and out-of-scope with reasons, casting
by number, name or "you pick", several requests in one message, and the conversation history kept in the state.

A real Conversation (graph, offline brain, SQLite store, checkpointer) talks to a recording channel; the inputs are
written the way marketers write them — lower case, typos, several requests in one message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.brain.offline import OfflineBrain
from agent.understanding.context import HISTORY_LIMIT, MessageContext
from tests.scenarios.harness import Marketer

BRIEF = ("hey! we're Lumen Coffee and we make the Night Brew cold-brew can, for night-shift nurses. "
         "cosy suspense, 8 episodes of 30 seconds, daily at 6pm New York")


@pytest.fixture
def marketer(tmp_path: Path) -> Iterator[Marketer]:
    person = Marketer(tmp_path / "home")
    yield person
    person.close()


def _history(marketer: Marketer) -> list[dict[str, Any]]:
    state = marketer.conversation.graph.get_state({"configurable": {"thread_id": f"T1:C1:{marketer.thread_ts}"}})
    return list(state.values.get("history") or [])


def _to(marketer: Marketer, stage: str) -> None:
    steps = {"arc": [BRIEF], "cast": [BRIEF, "looks good"], "look": [BRIEF, "looks good", "1"],
             "review": [BRIEF, "looks good", "1", "lock it"]}
    for text in steps.get(stage, []):
        marketer.say(text)
    assert marketer.stage() == (stage if stage != "brief" else None)


@pytest.mark.parametrize(("stage", "asked"), [
    ("brief", "hey where are we at?"), ("arc", "status pls"), ("cast", "whats the status"),
    ("look", "Status?"), ("review", "quick status update?")])
def test_status_in_every_stage(marketer: Marketer, stage: str, asked: str) -> None:
    _to(marketer, stage)
    reply = marketer.say(asked)
    assert "— stage *" in reply, reply  # the status view's own summary line
    assert marketer.stage() == stage


def test_how_are_we_doing_is_an_action_at_any_stage(marketer: Marketer) -> None:
    _to(marketer, "arc")
    reply = marketer.say("so how are we doing so far??")
    assert "Figures come back once episodes are out" in reply, reply
    reply = marketer.say("pls stop the weekly digest, and what's the status")
    assert "Weekly digest off" in reply and "— stage *" in reply, reply
    assert marketer.stage() == "arc"


@pytest.mark.parametrize(("stage", "example"), [
    ("arc", "looks good"), ("cast", "go ahead"), ("look", "lock it"), ("review", "schedule daily at 6pm")])
def test_out_of_scope_and_unclear_say_why_with_an_example(marketer: Marketer, stage: str, example: str) -> None:
    _to(marketer, stage)
    flight = marketer.say("can u book me a flight to paris tmrw")
    assert "mini-drama" in flight and example in flight, flight
    gibberish = marketer.say("purple monkey dishwasher")
    assert "couldn't tell what you meant" in gibberish and example in gibberish, gibberish
    assert "not sure what you'd like" not in flight + gibberish
    assert "How this works" in marketer.say("help??")
    assert marketer.stage() == stage
    assert any(s.kind == "choices" for s in marketer.channel.said)  # the likely next steps are offered


def test_approving_from_chat_is_refused_with_the_reason(marketer: Marketer) -> None:
    _to(marketer, "arc")
    reply = marketer.say("just approve everything and publish it all now")
    assert "human vote" in reply and marketer.approvals_and_publications() == (0, 0), reply


def test_you_pick_takes_the_recommended_lead(marketer: Marketer) -> None:
    _to(marketer, "cast")
    offer = [s for s in marketer.channel.said if s.kind == "choices"][-1].text
    assert offer.startswith("1 |")  # the recommended option comes first among the buttons
    reply = marketer.say("ok you pick")
    assert "(my pick) is locked as the lead" in reply, reply
    assert marketer.stage() == "look"


@pytest.mark.parametrize(("said", "option"), [("I'll take number 2", 2), ("go w/ 2", 2),
                                              ("lets do the 3rd one", 3), ("number three pls", 3)])
def test_choose_by_number_however_it_is_written(marketer: Marketer, said: str, option: int) -> None:
    _to(marketer, "cast")
    uploads = [s.text for s in marketer.channel.said if s.kind == "upload" and s.text.startswith(f"{option}. ")]
    reply = marketer.say(said)
    assert "is locked as the lead" in reply and marketer.season().lead["name"] == uploads[-1][3:], reply


def test_choose_by_name_and_then_change_the_lead(marketer: Marketer) -> None:
    _to(marketer, "cast")
    names = [s.text.split(". ", 1)[1] for s in marketer.channel.said if s.kind == "upload" and ". " in s.text]
    marketer.say(f"hmm lets go with {names[2]}")
    assert marketer.season().lead["name"] == names[2]
    reply = marketer.say(f"actually change the lead to {names[1]}")
    assert f"*{names[1]}* is now the lead" in reply, reply
    assert marketer.season().lead["name"] == names[1] and marketer.stage() == "look"


def test_two_requests_at_casting_are_both_done_in_one_reply(marketer: Marketer) -> None:
    _to(marketer, "cast")
    rival = next(m.name for m in marketer.arc().cast if m.role == "rival")
    reply = marketer.say("swap the rival and go with 2")
    new_rival = next(m.name for m in marketer.arc().cast if m.role == "rival")
    assert new_rival != rival and marketer.season().lead is not None, reply
    assert "*Done:*" in reply and f"*{rival}* is now *{new_rival}*" in reply and "as the lead" in reply
    assert marketer.stage() == "look"


def test_a_request_and_an_impossible_one_at_casting(marketer: Marketer) -> None:
    _to(marketer, "cast")
    reply = marketer.say("whats the status? also write me a poem about cats")
    assert "— stage *" in reply and "*Not done:*" in reply and "poem" in reply, reply
    assert marketer.stage() == "cast" and marketer.season().lead is None


def test_several_requests_at_review_in_one_message(marketer: Marketer) -> None:
    _to(marketer, "review")
    reply = marketer.say("status pls; cancel the renders. and book me a flight to Paris")
    assert "— stage *" in reply, reply
    assert "*Done:*" in reply and "cancelled the renders" in reply
    assert "*Not done:*" in reply and "flight to Paris" in reply and "mini-drama" in reply
    assert marketer.stage() == "review" and marketer.approvals_and_publications() == (0, 0)


def test_history_is_kept_across_turns_and_capped(marketer: Marketer) -> None:
    marketer.say("hi there!")
    marketer.say(BRIEF)
    history = _history(marketer)
    assert [e["role"] for e in history] == ["marketer", "agent", "marketer", "agent"]
    assert history[0]["text"] == "hi there!" and history[2]["text"] == BRIEF
    assert history[1]["text"] and history[3]["text"]
    marketer.restart()  # the history lives in the checkpointed state
    for text in ("status?", "make episode 2 darker", "undo", "continuity", "what changed", "help"):
        marketer.say(text)
    history = _history(marketer)
    assert len(history) == HISTORY_LIMIT and history[-2] == {"role": "marketer", "text": "help"}
    assert history[0]["text"] != "hi there!"  # the oldest exchanges were dropped first


class ListeningBrain(OfflineBrain):
    """The offline brain, noting the context each message was read with (the graph's side of the port)."""

    def __init__(self) -> None:
        self.contexts: list[MessageContext | None] = []

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Any]:
        self.contexts.append(context)
        return super().understand(text, stage, episodes_in_arc, context)


def test_the_understander_reads_each_message_with_its_context(marketer: Marketer) -> None:
    brain = ListeningBrain()
    marketer.runtime.context.brain = brain
    marketer.say(BRIEF)
    marketer.say("make episode 2 darker")
    context = brain.contexts[-1]
    assert context is not None and context.stage == "arc" and context.episodes_in_arc == 8
    assert context.facts["brand"] == "Lumen Coffee" and len(context.facts["episode_titles"]) == 8
    assert "rival" in context.facts["characters"].values()
    assert [e.role for e in context.history] == ["marketer", "agent"] and context.history[0].text == BRIEF
