"""Yes-approve / Cancel on a batch-approval question ("approve 4–6"): the explicit answer the batch needs.

The use case says the answer in the thread, replaces the question with it (no buttons left) and tells a refused
person privately; this listener only parses the click.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.batch import answer
from integrations.slack.blocks.review_card import BATCH_CANCEL_ACTION, BATCH_CONFIRM_ACTION
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """Both buttons carry the batch id as their value."""

    @app.action(BATCH_CONFIRM_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        answer(deps.app, batch_id=int(action["value"]), user_id=body["user"]["id"], confirm=True)

    @app.action(BATCH_CANCEL_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        answer(deps.app, batch_id=int(action["value"]), user_id=body["user"]["id"], confirm=False)
