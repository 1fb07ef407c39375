"""Approve and Request changes buttons on approval cards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from agent.app.changes import render_title
from agent.app.votes import vote_on_render
from integrations.slack.blocks.review_card import APPROVE_ACTION, CHANGES_ACTION, change_request_modal
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """Approve records an approval (same use case and rules as :+1:); Request changes opens the note modal.

    Approve writes, so a busy database is retried and re-queued (integrations/slack/busy.py); opening the modal only
    reads (WAL: never blocked by a writer) and its trigger expires in 3 s, so there is nothing to re-queue."""

    @app.action(APPROVE_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        vote_on_render(deps.app, render_id=int(action["value"]), user_id=body["user"]["id"], approve=True,
                       via="button")

    @app.action(CHANGES_ACTION)
    def on_request_changes(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        title = render_title(deps.app, int(action["value"])) or "this episode"
        client.views_open(trigger_id=body["trigger_id"], view=change_request_modal(int(action["value"]), title))
