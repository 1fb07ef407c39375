"""Confirm / Cancel on a batch-approval question ("approve 4–6"): the explicit confirmation the batch needs."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from agent.ports import ThreadRef
from agent.services.batch import BatchError
from agent.services.review_notes import answer_batch
from agent.store.models import BatchApproval, Season
from integrations.slack.blocks.review_card import (
    BATCH_CANCEL_ACTION,
    BATCH_CONFIRM_ACTION,
    batch_answered_blocks,
)
from integrations.slack.deps import SlackDeps


def _answer(deps: SlackDeps, body: dict[str, Any], action: dict[str, Any], respond: Respond, confirm: bool) -> None:
    """Record the answer; the question turns into its outcome (no buttons left), refusals stay private."""
    user = body["user"]["id"]
    with deps.app.store.session() as session:
        batch = session.get(BatchApproval, int(action["value"]))
        season = session.get(Season, batch.season_id) if batch else None
        if season is None:
            return
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    try:
        text = answer_batch(deps.app.store, deps.app.channel, thread, int(action["value"]), user, confirm=confirm)
    except BatchError as error:
        deps.app.channel.notify_user(thread, user, str(error))
        return
    respond(replace_original=True, text=text, blocks=batch_answered_blocks(text))


def register(app: App, deps: SlackDeps) -> None:
    """Both buttons carry the batch id as their value."""

    @app.action(BATCH_CONFIRM_ACTION)
    def on_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        _answer(deps, body, action, respond, confirm=True)

    @app.action(BATCH_CANCEL_ACTION)
    def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        _answer(deps, body, action, respond, confirm=False)
