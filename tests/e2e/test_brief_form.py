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
