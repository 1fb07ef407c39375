"""Messages: an @mention starts or continues a season thread; replies in a season thread continue it."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from agent.services.seasons import find_season, thread_key
from integrations.slack.dedupe import first_time
from integrations.slack.deps import SlackDeps

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>\s*")
IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "channel_join", "thread_broadcast"}


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """Remove the leading bot mention, keep mentions of people (e.g. 'add @dana as approver')."""
    if bot_user_id:
        text = re.sub(rf"<@{bot_user_id}(?:\|[^>]*)?>\s*", "", text)
    return text.strip()


def run_turn(deps: SlackDeps, client: WebClient, event: dict[str, Any], team_id: str, bot_user_id: str | None) -> None:
    """Feed one message to the conversation; any failure becomes a friendly, specific note in the thread."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    if not first_time(deps.app.store, f"msg:{channel}:{event['ts']}", "message"):
        return
    text = strip_bot_mention(event.get("text", ""), bot_user_id)
    try:
        deps.conversation.handle(team_id=team_id, channel_id=channel, thread_ts=thread_ts,
                                 user_id=event.get("user", ""), text=text)
    except Exception as exc:  # reported to the thread with a reference, and logged with the traceback
        ref = uuid.uuid4().hex[:8]
        log.exception("turn failed (ref %s)", ref)
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts,
            text=f":warning: I hit a problem handling that ({type(exc).__name__}, ref `{ref}`). Nothing you "
                 "agreed so far is lost — please try again, or say *status?*.")


def register(app: App, deps: SlackDeps) -> None:
    """app_mention everywhere; plain messages only inside season threads or DMs."""

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        run_turn(deps, client, event, context.get("team_id") or "", context.get("bot_user_id"))

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        team_id = context.get("team_id") or ""
        is_dm = event.get("channel_type") == "im"
        thread_ts = event.get("thread_ts")
        if not is_dm:
            if not thread_ts:
                return
            with deps.app.store.session() as session:
                if find_season(session, thread_key(team_id, event["channel"], thread_ts)) is None:
                    return
        run_turn(deps, client, event, team_id, context.get("bot_user_id"))
