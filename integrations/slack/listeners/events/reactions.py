"""Reactions on approval cards: :+1: approves, :-1: requests changes, removing :+1: withdraws — via the DB only.

Retries and double deliveries are dropped by `first_delivery` (event_id, persisted) right after the ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from agent.services.campaign_chat import campaign_reaction
from agent.services.review import handle_reaction
from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.middleware import first_delivery
from integrations.slack.review_feedback import apply_decision


def _handle(deps: SlackDeps, event: dict[str, Any], added: bool) -> None:
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    if campaign_reaction(deps.app.store, deps.app.channel, deps.app.enqueue_campaign, channel_id=item["channel"],
                         ts=item["ts"], user_id=event["user"], reaction=event["reaction"], added=added):
        return  # a vote on a campaign message (teaser, carousel, quote…): same rules, its own ledger
    with deps.app.store.session() as session:
        decision = handle_reaction(session, channel_id=item["channel"], ts=item["ts"], user_id=event["user"],
                                   reaction=event["reaction"], added=added)
    apply_decision(deps, decision, event["user"])


def register(app: App, deps: SlackDeps) -> None:
    """reaction_added and reaction_removed."""

    @app.event("reaction_added")
    def on_reaction_added(event: dict[str, Any], context: dict[str, Any]) -> None:
        if first_delivery(deps.app.store, context, "reaction_added"):
            _handle(deps, event, added=True)

    @app.event("reaction_removed")
    def on_reaction_removed(event: dict[str, Any], context: dict[str, Any]) -> None:
        if first_delivery(deps.app.store, context, "reaction_removed"):
            _handle(deps, event, added=False)
