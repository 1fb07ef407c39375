"""The Publish button on a confirm-mode release: an approver's go (others are told privately why not)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.releases import confirm_release_slots
from integrations.slack.blocks.review_card import RELEASE_ACTION
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """The button's value is the comma-separated slot ids it releases."""

    @app.action(RELEASE_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_publish(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        slot_ids = [int(part) for part in str(action.get("value") or "").split(",") if part.strip().isdigit()]
        if slot_ids:
            confirm_release_slots(deps.app, actor=body["user"]["id"], slot_ids=slot_ids)
