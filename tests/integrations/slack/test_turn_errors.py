"""A failed turn is explained in words a marketer can act on: the kind of problem and a log reference."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from integrations.slack.listeners.events.messages import friendly_error, strip_bot_mention


def slack_error(code: str) -> SlackApiError:
    """What slack_sdk raises for `{"ok": false, "error": code}`."""
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data={"ok": False, "error": code}, headers={}, status_code=200)
    return SlackApiError("The request to the Slack API failed.", response)


@pytest.mark.parametrize(("exc", "phrase"), [
    (slack_error("not_in_channel"), "Slack refused a call (not_in_channel)"),
    (TimeoutError("read timed out"), "a step took too long"),
    (ConnectionRefusedError(111, "Connection refused"), "a service I depend on could not be reached"),
    (KeyError("season_id"), "something went wrong on my side"),
])
def test_friendly_error_names_the_kind_of_problem(exc: BaseException, phrase: str) -> None:
    text = friendly_error(exc, "abcd1234")
    assert phrase in text and "ref `abcd1234`" in text and "try again" in text
    assert "Traceback" not in text and "season_id" not in text  # internals stay in the log


def test_only_the_bot_mention_is_stripped() -> None:
    assert strip_bot_mention("<@UBOT> add <@U_DANA> as approver", "UBOT") == "add <@U_DANA> as approver"
    assert strip_bot_mention("<@UBOT|cliffhanger> status?", "UBOT") == "status?"
