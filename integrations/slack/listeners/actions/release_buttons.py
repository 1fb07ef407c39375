"""The Publish button on a confirm-mode release: an approver's go (others are told privately why not)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.releases import confirm_release
from agent.services.seasons import find_season, thread_key
from integrations.slack.blocks.review_card import RELEASE_ACTION
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """The button's value is the comma-separated slot ids it releases; the season comes from the thread."""

    @app.action(RELEASE_ACTION)
    def on_publish(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        message = body.get("message") or {}
        channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        thread_ts = message.get("thread_ts") or (body.get("container") or {}).get("thread_ts")
        team_id = (body.get("team") or {}).get("id") or ""
        slot_ids = [int(part) for part in str(action.get("value") or "").split(",") if part.strip().isdigit()]
        if not channel_id or not thread_ts or not slot_ids:
            return
        with deps.app.store.session() as session:
            season = find_season(session, thread_key(team_id, channel_id, thread_ts))
            season_id = season.id if season is not None else None
        if season_id is not None:
            confirm_release(deps.app, season_id=season_id, actor=body["user"]["id"], slot_ids=slot_ids)
