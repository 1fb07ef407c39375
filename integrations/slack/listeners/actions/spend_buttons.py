"""Approve spend / Cancel on a spend estimate (issue 14): an approver's decision on paid generation.

The use case records the decision, queues the final renders (approve) or drops the queued ones (cancel), updates
the card in place and says so in the thread; a bystander is told privately why not. This listener parses the click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from agent.app.spend import decide
from integrations.slack.blocks.spend_card import SPEND_APPROVE_ACTION, SPEND_CANCEL_ACTION
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """Both buttons carry the estimate id as their value; they differ only in the decision."""
    for action_id, approve in ((SPEND_APPROVE_ACTION, True), (SPEND_CANCEL_ACTION, False)):
        app.action(action_id)(retry_when_busy(deps.app.store, action_thread)(_on_click(deps, approve)))


def _on_click(deps: SlackDeps, approve: bool) -> Callable[..., None]:
    """The listener for one button (Bolt injects `ack`, `body` and `action` by these parameter names)."""

    def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        if str(action.get("value") or "").isdigit():
            decide(deps.app, actor=body["user"]["id"], approve=approve, estimate_id=int(action["value"]))

    return on_click
