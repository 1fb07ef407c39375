"""The review poster against the emulator: Markdown converted, long answers split sensibly, never in code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.ports import ThreadRef
from integrations.slack.app import make_client
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, SlackEmulator
from integrations.slack.poster import SlackReviewChannel, split_message


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    """A fresh emulated workspace."""
    with SlackEmulator() as running:
        yield running


def test_say_converts_markdown_to_mrkdwn(emulator: SlackEmulator) -> None:
    root = emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "new season")
    channel = SlackReviewChannel(make_client("xoxb-test", emulator.base_url))
    posted = channel.say(ThreadRef(channel_id=DRAMA_CHANNEL_ID, thread_ts=root["ts"]),
                         "## The arc\n**Ep 1** sets the hook — [bible](https://b.example)\n- cold open\n- beat")
    message = emulator.message(DRAMA_CHANNEL_ID, posted.ts)
    assert message is not None and message["thread_ts"] == root["ts"]
    assert message["text"] == "*The arc*\n*Ep 1* sets the hook — <https://b.example|bible>\n• cold open\n• beat"


def test_long_answer_is_posted_as_several_messages_in_order(emulator: SlackEmulator) -> None:
    root = emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "new season")
    channel = SlackReviewChannel(make_client("xoxb-test", emulator.base_url))
    episodes = "\n\n".join(f"*Ep {n}*\n" + "She opens the door again. " * 40 for n in range(1, 13))
    channel.say(ThreadRef(channel_id=DRAMA_CHANNEL_ID, thread_ts=root["ts"]), episodes)
    texts = [m["text"] for m in emulator.messages(DRAMA_CHANNEL_ID, root["ts"])[1:]]
    assert len(texts) > 1 and all(len(t) <= 3500 for t in texts)
    assert "\n\n".join(texts) == episodes  # nothing lost, nothing reordered, cut only at paragraph breaks


def test_short_text_is_one_message() -> None:
    assert split_message("hello") == ["hello"]


def test_split_prefers_paragraph_boundaries() -> None:
    paragraphs = ["p" * 300 for _ in range(10)]
    chunks = split_message("\n\n".join(paragraphs), limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert all(set(part) == {"p"} and len(part) == 300 for c in chunks for part in c.split("\n\n"))


def test_split_never_cuts_inside_a_code_block() -> None:
    code = "```\n" + "\n".join(f"line {n}" for n in range(60)) + "\n```"
    text = "intro " * 120 + "\n" + code + "\nafter"
    chunks = split_message(text, limit=900)
    assert all(len(c) <= 900 for c in chunks)
    assert all(c.count("```") % 2 == 0 for c in chunks)
    assert any(code in c for c in chunks)  # it fits in one message, so it is kept whole


def test_code_block_longer_than_a_message_is_refenced_on_each_piece() -> None:
    code = "```\n" + "\n".join(f"print({n})" for n in range(400)) + "\n```"
    chunks = split_message(code, limit=500)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.startswith("```\n") and chunk.endswith("\n```") and len(chunk) <= 500
    body = [line for c in chunks for line in c.split("\n") if line != "```"]
    assert body == [f"print({n})" for n in range(400)]


def test_a_single_huge_line_is_cut_at_spaces() -> None:
    chunks = split_message("word " * 2000, limit=1000)
    assert all(len(c) <= 1000 for c in chunks) and all(not c.endswith(" wor") for c in chunks)
    assert " ".join(chunks).split() == ["word"] * 2000
