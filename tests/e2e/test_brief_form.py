"""The brief form through Slack (issue 12): asked twice for the same thing, the thread offers a form prefilled with
what was understood; submitting it writes the season. Real Bolt app, signed HTTP, the Slack emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.settings import Settings
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID
from tests.e2e.helpers import wait_until_idle

pytestmark = pytest.mark.xdist_group("e2e")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The whole product on embedded defaults; no renders."""
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None)
    with LocalStack(settings, immediate_queue=True) as running:
        yield running


def test_the_form_is_offered_prefilled_and_its_submission_writes_the_season(stack: LocalStack) -> None:
    marketer = ScriptedPerson(stack, MARKETER_ID)
    marketer.start("Brand: Marks &amp; Spencer", expect="Which *product*")
    marketer.say("sounds good", expect="For example")
    wait_until_idle(stack)
    offer = next(m for m in stack.emulator.messages(DRAMA_CHANNEL_ID, marketer.thread_ts)
                 if "brief_form_open" in json.dumps(m.get("blocks", [])))
    button = offer["blocks"][1]["elements"][0]
    assert json.loads(button["value"])["brand"] == "Marks & Spencer"  # decoded on the way in, prefilled

    stack.sender.block_action(MARKETER_ID, "brief_form_open", None, DRAMA_CHANNEL_ID, offer["ts"],
                              thread_ts=marketer.thread_ts)
    stack.emulator.wait_for_call("views.open", timeout=10)
    form = next(v for v in stack.emulator.views() if v.get("callback_id") == "brief_form")
    brand = next(b for b in form["blocks"] if b["block_id"] == "brand")
    assert brand["element"]["initial_value"] == "Marks & Spencer"

    refused = stack.sender.view_submission(MARKETER_ID, {"brand": {"brand": "Marks & Spencer"}, "product": {
        "product": ""}})
    answer = json.loads(refused.body)  # the app's ack: field errors shown under the input
    assert answer["response_action"] == "errors" and "product" in answer["errors"]
    stack.sender.view_submission(MARKETER_ID, {
        "brand": {"brand": "Marks & Spencer"}, "product": {"product": "the wool jumper"},
        "audience": {"audience": "students"}, "tone": {"tone": "cosy romance"},
        "episode_count": {"episode_count": "8"}, "episode_length_s": {"episode_length_s": "30"},
        "cadence": {"cadence": ""}})
    marketer.wait_for_bot("to cast the lead", after=offer["ts"], timeout=60)


def _with_button(stack: LocalStack, thread_ts: str, action_id: str, text: str) -> dict:
    """The latest bot message in the thread carrying a button `action_id` whose label contains `text`."""
    for message in reversed(stack.emulator.messages(DRAMA_CHANNEL_ID, thread_ts)):
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if element.get("action_id") == action_id and text in element["text"]["text"]:
                    return message
    raise AssertionError(f"no {action_id} button labelled {text!r}")


def test_buttons_take_the_next_step_and_the_recommended_lead(stack: LocalStack) -> None:
    marketer = ScriptedPerson(stack, MARKETER_ID)
    marketer.start("We're Aster and we make oat bars for climbers — silly comedy, 8 episodes of 30 seconds.",
                   expect="to cast the lead")
    wait_until_idle(stack)
    assert marketer.thread_ts is not None
    next_step = _with_button(stack, marketer.thread_ts, "choice_0", "Looks good")
    stack.sender.block_action(MARKETER_ID, "choice_0", None, DRAMA_CHANNEL_ID, next_step["ts"],
                              thread_ts=marketer.thread_ts)
    marketer.wait_for_bot("lock your lead", after=next_step["ts"], timeout=60)
    wait_until_idle(stack)
    cast = _with_button(stack, marketer.thread_ts, "choice_0", "recommended")
    stack.sender.block_action(MARKETER_ID, "choice_0", None, DRAMA_CHANNEL_ID, cast["ts"],
                              thread_ts=marketer.thread_ts)
    marketer.wait_for_bot("locked as the lead", after=cast["ts"], timeout=60)
