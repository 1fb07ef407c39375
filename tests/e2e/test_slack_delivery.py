"""Slack's delivery rules, end to end: the real Bolt app over signed HTTP against the Slack emulator.

No renders: every conversation stops at the brief/arc stage, so these run in seconds. Assertions read what people
would see (the emulator's record) and what was decided (the database).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.settings import Settings
from agent.store.models import EventLog, Season
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_DM_ID, MARKETER_ID, OTHER_ID
from integrations.slack.emulator.methods import MethodContext
from integrations.slack.emulator.methods.chat import post_message
from integrations.slack.listeners.events.app_home import SUGGESTED_PROMPTS
from tests.e2e.helpers import wait_until_idle

pytestmark = pytest.mark.xdist_group("e2e")

BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. "
         "8 episodes, 40 seconds each, daily at 6pm New York.")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The whole product on embedded defaults; renders never start in these tests."""
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None)
    with LocalStack(settings, immediate_queue=True) as running:
        yield running


def thinking_calls(stack: LocalStack, thread_ts: str | None = None) -> list[dict[str, Any]]:
    """Every "is thinking…" status the app set: one per turn it actually ran."""
    return [c.params for c in stack.emulator.calls_to("assistant.threads.setStatus")
            if c.params.get("status") and (thread_ts is None or c.params.get("thread_ts") == thread_ts)]


def settle(stack: LocalStack, turns: int, timeout: float = 60) -> None:
    """Wait until `turns` turns have finished (their status cleared) and every acked event's listener has run, so
    a duplicate that slipped through would already show."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cleared = [c for c in stack.emulator.calls_to("assistant.threads.setStatus") if c.params.get("status") == ""]
        if len(cleared) >= turns:
            break
        time.sleep(0.05)
    wait_until_idle(stack, timeout)


def bot_messages(stack: LocalStack, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """The bot's messages in one thread."""
    bot = stack.emulator.workspace.bot_user_id
    return [m for m in stack.emulator.messages(channel, thread_ts) if m.get("user") == bot]


def test_event_delivered_three_times_acts_once(stack: LocalStack) -> None:
    first = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    again = [stack.sender.redeliver(first, retry_num=n) for n in (1, 2)]
    assert first.acked_in_time and all(d.acked_in_time for d in again)
    assert {d.event_id for d in again} == {first.event_id}
    settle(stack, turns=1)

    assert len(thinking_calls(stack)) == 1
    replies = bot_messages(stack, DRAMA_CHANNEL_ID, first.ts or "")
    assert replies and len({m["text"] for m in replies}) == len(replies)  # no answer was given twice
    with stack.runtime.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Season)) == 1
        assert session.get(EventLog, f"event:{first.event_id}") is not None


def test_every_event_type_is_deduped_by_event_id(stack: LocalStack) -> None:
    """app_home_opened has no message key of its own: only the global event_id middleware can stop a retry."""
    first = stack.sender.app_home_opened(MARKETER_ID, tab="home")
    for n in (1, 2):
        assert stack.sender.redeliver(first, retry_num=n).acked_in_time
    stack.emulator.wait_for_call("views.publish", timeout=10)
    wait_until_idle(stack)  # the retries' listeners have run too
    assert len(stack.emulator.calls_to("views.publish")) == 1


def test_app_mention_and_message_twin_act_once(stack: LocalStack) -> None:
    person = ScriptedPerson(stack, MARKETER_ID)
    person.start(BRIEF, expect="")
    settle(stack, turns=1)
    # In a season thread both twins are eligible: app_mention, and message (a reply in a season thread).
    twin = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "status?", thread_ts=person.thread_ts,
                                    also_message=True)
    assert twin.acked_in_time and twin.also[0].acked_in_time
    assert twin.event_id != twin.also[0].event_id
    settle(stack, turns=2)
    assert len([c for c in thinking_calls(stack, person.thread_ts)]) == 2  # the brief, and the status question once


@pytest.mark.parametrize("options", [{"bad_signature": True}, {"timestamp_offset": -360}],
                         ids=["bad-signature", "six-minutes-old"])
def test_unsigned_or_stale_events_are_rejected_and_cause_nothing(stack: LocalStack, options: dict[str, Any]) -> None:
    forged = stack.sender.with_options(**options)
    mention = forged.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    home = forged.app_home_opened(MARKETER_ID, tab="home")
    assert mention.status == 401 and home.status == 401
    wait_until_idle(stack)  # nothing was handed to a listener (refused before Bolt)
    assert bot_messages(stack, DRAMA_CHANNEL_ID, mention.ts or "") == []
    assert stack.emulator.calls_to("views.publish") == [] and thinking_calls(stack) == []
    with stack.runtime.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Season)) == 0
        assert session.scalar(select(func.count()).select_from(EventLog)) == 0


def test_fifty_concurrent_events_are_all_acked_and_answered(stack: LocalStack) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        deliveries = list(pool.map(lambda n: stack.sender.app_mention(
            MARKETER_ID, DRAMA_CHANNEL_ID, f"Brand: Brand{n}. Product: Can{n}. Audience: nurses. 8 episodes, "
                                           "30 seconds each."), range(50)))
    assert all(d.acked_in_time for d in deliveries), sorted(d.elapsed_ms for d in deliveries)[-5:]
    for delivery in deliveries:  # every one was acted on, each in its own thread
        stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=60)
    with stack.runtime.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Season)) == 50


def test_slow_turn_is_acked_before_it_finishes(stack: LocalStack) -> None:
    """Slack answering slowly (4 s on the first Web API call of the turn) must not hold the ack."""
    released = threading.Event()

    def slow_status(ctx: MethodContext, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("status"):
            released.wait(4)
        return {"ok": True}

    stack.emulator.register_method("assistant.threads.setStatus", slow_status)
    started = time.monotonic()
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    assert delivery.acked_in_time and delivery.elapsed_ms < 1000
    reply = stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=30)
    assert reply["text"] and time.monotonic() - started >= 3.5


def test_direct_message_conversation(stack: LocalStack) -> None:
    person = ScriptedPerson(stack, MARKETER_ID, channel=MARKETER_DM_ID)
    first = stack.sender.user_message(MARKETER_ID, MARKETER_DM_ID, BRIEF)  # no mention needed in a DM
    person.thread_ts = first.ts
    person.wait_for_bot("", after=first.ts or "", timeout=30)
    person.say("you decide", expect="", timeout=30)  # a reply in the DM thread continues the same season
    settle(stack, turns=2)
    with stack.runtime.context.store.session() as session:
        seasons = session.scalars(select(Season)).all()
        assert [(s.channel_id, s.thread_ts) for s in seasons] == [(MARKETER_DM_ID, first.ts)]
    assert len(thinking_calls(stack, first.ts)) == 2  # both turns ran in the DM thread, with the status line


def test_suggested_prompts_on_app_home_opened(stack: LocalStack) -> None:
    assert stack.sender.app_home_opened(MARKETER_ID, tab="messages").acked_in_time
    stack.emulator.wait_for_call("assistant.threads.setSuggestedPrompts", timeout=10)
    state = stack.emulator.assistant_state(MARKETER_DM_ID, "")
    assert [p["title"] for p in state["prompts"]] == [p["title"] for p in SUGGESTED_PROMPTS]
    call = stack.emulator.calls_to("assistant.threads.setSuggestedPrompts")[0]
    assert "thread_ts" not in call.params  # agent apps must omit it

    assert stack.sender.app_home_opened(MARKETER_ID, tab="home").acked_in_time
    stack.emulator.wait_for_call("views.publish", timeout=10)
    home = next(v for v in stack.emulator.views() if v.get("type") == "home")
    assert "Start a new season" in str(home["blocks"])


def test_friendly_error_when_a_turn_fails(stack: LocalStack) -> None:
    """Slack refuses the bot's first post of the turn: the thread gets a short, specific note — no traceback."""
    refused = threading.Event()

    def refuse_once(ctx: MethodContext, params: dict[str, Any]) -> dict[str, Any]:
        if not refused.is_set():
            refused.set()
            return {"ok": False, "error": "msg_blocks_too_long"}
        return post_message(ctx, params)

    stack.emulator.register_method("chat.postMessage", refuse_once)
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    note = stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=30)
    assert "I hit a problem handling that" in note["text"] and "msg_blocks_too_long" in note["text"]
    assert "ref `" in note["text"] and "Traceback" not in note["text"] and ".py" not in note["text"]
    settle(stack, turns=1)
    assert stack.emulator.assistant_state(DRAMA_CHANNEL_ID, delivery.ts or "")["status"] == ""


def test_rate_limited_web_api_call_is_retried(stack: LocalStack) -> None:
    stack.emulator.rate_limit("chat.postMessage", times=2, retry_after=1)
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    assert delivery.acked_in_time
    reply = stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=30)
    statuses = [c.status for c in stack.emulator.calls_to("chat.postMessage")]
    assert statuses[:3] == [429, 429, 200]
    assert reply["ts"] == stack.emulator.calls_to("chat.postMessage")[2].response["ts"]


def test_bot_echo_is_ignored(stack: LocalStack) -> None:
    person = ScriptedPerson(stack, OTHER_ID)
    reply = person.start(BRIEF, expect="")
    settle(stack, turns=1)
    assert stack.sender.echo_bot_message(DRAMA_CHANNEL_ID, reply["ts"]).acked_in_time
    wait_until_idle(stack)  # the echo's listener (if any) has run
    assert len(thinking_calls(stack)) == 1
