"""Approve campaign / Request changes buttons on a campaign message — the same rules as :+1: / :-1: on it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.votes import record_reaction
from integrations.slack.blocks.campaign_card import CAMPAIGN_APPROVE_ACTION, CAMPAIGN_CHANGES_ACTION
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps


def _vote(deps: SlackDeps, body: dict[str, Any], reaction: str) -> None:
    """A click is a vote on the message it sits on: the same use case as a reaction on it (one gate)."""
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    message_ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts")
    if not channel_id or not message_ts:
        return
    record_reaction(deps.app, channel_id=channel_id, ts=message_ts, user_id=body["user"]["id"], reaction=reaction,
                    added=True)


def register(app: App, deps: SlackDeps) -> None:
    """Approve = :+1: on every asset of the message; Request changes = :-1: (asks which asset and what to change)."""

    @app.action(CAMPAIGN_APPROVE_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_campaign_approve(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _vote(deps, body, "+1")

    @app.action(CAMPAIGN_CHANGES_ACTION)
    @retry_when_busy(deps.app.store, action_thread)
    def on_campaign_changes(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _vote(deps, body, "-1")
