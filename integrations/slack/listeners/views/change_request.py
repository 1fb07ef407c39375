"""The change-request modal: one use case records the request and runs the scoped redo (no invented chat message)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.changes import request_change
from integrations.slack.blocks.review_card import CHANGE_MODAL
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """An empty note is sent back to the modal as a field error (Slack shows it under the input)."""

    @app.view(CHANGE_MODAL)
    def on_change_request(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = (view["state"]["values"]["note"]["note"].get("value") or "").strip()
        if not note:
            ack(response_action="errors", errors={"note": "Tell us what should change."})
            return
        ack()
        request_change(deps.app, render_id=int(view["private_metadata"]), user_id=body["user"]["id"], note=note,
                       via="button")
