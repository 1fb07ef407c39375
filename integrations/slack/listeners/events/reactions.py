"""Reactions on review messages: :+1: approves, :-1: requests changes, removing :+1: withdraws — one use case
(`agent.app.votes.record_reaction`) records it and runs the follow-ups; nothing else happens here.

Retries and double deliveries are dropped by `first_delivery` (event_id, persisted) right after the ack; a busy
database is retried and re-queued like a message (integrations/slack/busy.py), so a vote is never lost.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from agent.app.votes import record_reaction
from agent.services.review import review_message_for
from integrations.slack.busy import retry_when_busy
from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.middleware import first_delivery


def _handle(deps: SlackDeps, event: dict[str, Any], added: bool) -> None:
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    record_reaction(deps.app, channel_id=item["channel"], ts=item["ts"], user_id=event["user"],
                    reaction=event["reaction"], added=added)


def register(app: App, deps: SlackDeps) -> None:
    """reaction_added and reaction_removed."""

    def card_thread(body: dict[str, Any]) -> tuple[str, str] | None:
        """A reaction names the message, not its thread: the busy note goes to the thread the card was posted in."""
        item = (body.get("event") or {}).get("item") or {}
        channel, ts = item.get("channel"), item.get("ts")
        if not channel or not ts:
            return None
        with deps.app.store.session() as session:  # a read: works while another connection holds the write lock
            card = review_message_for(session, channel, ts)
            return channel, (card.thread_ts if card is not None else None) or ts

    @app.event("reaction_added")
    @retry_when_busy(deps.app.store, card_thread)
    def on_reaction_added(event: dict[str, Any], context: dict[str, Any]) -> None:
        if first_delivery(deps.app.store, context, "reaction_added"):
            _handle(deps, event, added=True)

    @app.event("reaction_removed")
    @retry_when_busy(deps.app.store, card_thread)
    def on_reaction_removed(event: dict[str, Any], context: dict[str, Any]) -> None:
        if first_delivery(deps.app.store, context, "reaction_removed"):
            _handle(deps, event, added=False)
