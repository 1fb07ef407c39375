"""Approve and Request changes buttons on approval cards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from agent.services.review import vote
from agent.store.models import Render
from integrations.slack.blocks.review_card import APPROVE_ACTION, CHANGES_ACTION, change_request_modal
from integrations.slack.deps import SlackDeps
from integrations.slack.review_feedback import apply_decision


def register(app: App, deps: SlackDeps) -> None:
    """Approve records an approval (same rules as :+1:); Request changes opens the note modal."""

    @app.action(APPROVE_ACTION)
    def on_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user = body["user"]["id"]
        with deps.app.store.session() as session:
            render = session.get(Render, int(action["value"]))
            if render is None:
                return
            decision = vote(session, render=render, user_id=user, approve=True, via="button")
        apply_decision(deps, decision, user)

    @app.action(CHANGES_ACTION)
    def on_request_changes(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        with deps.app.store.session() as session:
            render = session.get(Render, int(action["value"]))
            title = f"Ep {render.episode.number} · {render.episode.title}" if render else "this episode"
        client.views_open(trigger_id=body["trigger_id"], view=change_request_modal(int(action["value"]), title))
