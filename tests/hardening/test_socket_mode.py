"""Socket Mode against a local stand-in speaking Slack's envelope protocol (tests/fakes/slack_socket_mode.py):
the real Bolt app with slack_sdk's built-in Socket Mode client, `apps.connections.open` on the Web API emulator.
Events arrive and are acked within 3 s, a redelivered event is acted on once, and a refresh disconnect loses
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from agent.settings import Settings
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID
from integrations.slack.emulator.payloads import envelope, message_event
from tests.fakes.slack_socket_mode import FakeSocketMode

pytestmark = pytest.mark.xdist_group("e2e")
APP_TOKEN = "xapp-1-A0CLIFF-1234567890-localsocketmode"


@pytest.fixture
def socket_stack(tmp_path: Path) -> Iterator[tuple[Any, FakeSocketMode]]:
    """The product with its Bolt app connected over Socket Mode to the stand-in."""
    from integrations.demo.local_stack import LocalStack

    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None)
    with LocalStack(settings, immediate_queue=True) as stack, FakeSocketMode() as slack:
        opened: list[str] = []

        def connections_open(_ctx: Any, _params: dict[str, Any]) -> dict[str, Any]:
            opened.append("open")
            return slack.url_for_web_api()

        stack.emulator.register_method("apps.connections.open", connections_open)
        handler = SocketModeHandler(stack.app, APP_TOKEN, web_client=WebClient(base_url=stack.emulator.base_url))
        handler.connect()
        assert slack.wait_connections(1)
        try:
            yield stack, slack
        finally:
            handler.close()


def mention(stack: Any, text: str) -> tuple[dict[str, Any], str]:
    """A person @mentions the bot (stored in the emulator first); returns the event_callback body and its ts."""
    ws = stack.emulator.workspace
    message = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, f"<@{ws.bot_user_id}> {text}")
    event = message_event(message, ws.channels[DRAMA_CHANNEL_ID], "app_mention")
    return envelope(ws, event, "verification-token"), message["ts"]


def replied(stack: Any, ts: str, timeout: float = 120) -> dict[str, Any]:
    return stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, ts, ts, timeout=timeout)


def turns(stack: Any, ts: str) -> int:
    """How many turns ran in a thread (each sets "is thinking…" once)."""
    return len([c for c in stack.emulator.calls_to("assistant.threads.setStatus")
                if c.params.get("status") and c.params.get("thread_ts") == ts])


def test_events_arrive_and_are_acked_within_3s(socket_stack: tuple[Any, FakeSocketMode]) -> None:
    stack, slack = socket_stack
    sent = [mention(stack, f"hello number {n}") for n in range(3)]
    ids = [slack.send(body) for body, _ts in sent]
    assert slack.wait_acked(ids)
    assert all((slack.envelopes[i].ack_ms or 1e9) < 3000 for i in ids)
    for _body, ts in sent:
        replied(stack, ts)


def test_a_redelivered_event_is_acted_on_once(socket_stack: tuple[Any, FakeSocketMode]) -> None:
    stack, slack = socket_stack
    body, ts = mention(stack, "hello, only once please")
    first = slack.send(body)
    again = slack.send(body)  # Slack's retry: a new envelope, the same event_id
    assert slack.wait_acked([first, again])
    replied(stack, ts)
    marker_body, marker_ts = mention(stack, "a later event")
    assert slack.wait_acked([slack.send(marker_body)])
    replied(stack, marker_ts)  # observable: a later event has been fully handled
    assert turns(stack, ts) == 1


def test_a_refresh_disconnect_loses_nothing(socket_stack: tuple[Any, FakeSocketMode]) -> None:
    stack, slack = socket_stack
    before = [mention(stack, f"before the refresh {n}") for n in range(2)]
    ids = [slack.send(body) for body, _ in before]
    slack.disconnect("refresh_requested")
    during = [mention(stack, f"during the refresh {n}") for n in range(3)]
    ids += [slack.send(body) for body, _ in during]
    assert slack.wait_connections(2)
    assert slack.wait_acked(ids, timeout=20)
    for _body, ts in before + during:
        replied(stack, ts)
        assert turns(stack, ts) == 1
    assert slack.connections_opened >= 2
