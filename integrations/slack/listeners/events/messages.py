"""Messages: an @mention starts or continues a season thread; replies in a season thread continue it; DMs too.

Listeners run after the ack (Bolt's listener thread pool), so a slow turn never delays Slack's 3 s deadline. While
the graph thinks, the thread shows a status line ("is thinking…", assistant.threads.setStatus — works in channels
with chat:write and in the app's Messages tab); it is cleared when the turn ends, whatever happened.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from agent.services.seasons import find_season, thread_key
from agent.user_errors import is_database_busy
from agent.user_errors import message as user_message
from integrations.slack.attachments import AttachmentError, download_attachments
from integrations.slack.busy import retry_when_busy
from integrations.slack.dedupe import first_time
from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.middleware import first_delivery

log = logging.getLogger(__name__)
StatusSetter = Callable[..., Any]
THINKING = "is thinking…"
LOADING_MESSAGES = ["Reading the thread…", "Thinking about your season…", "Writing the next step…"]
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>\s*")
IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "channel_join", "thread_broadcast"}


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """Remove the leading bot mention, keep mentions of people (e.g. 'add @dana as approver')."""
    if bot_user_id:
        text = re.sub(rf"<@{bot_user_id}(?:\|[^>]*)?>\s*", "", text)
    return text.strip()


def decode_slack_text(text: str) -> str:
    """Slack's text as the marketer typed it: `&amp; &lt; &gt;` decoded, broadcast tokens made plain words.

    Slack escapes the three control characters users type, and turns a typed @channel into `<!channel>`. Both are
    undone here so a brand reads "Marks & Spencer", not "Marks &amp". A token the user typed literally ("<!here>",
    arriving as `&lt;!here&gt;`) is decoded to look-alike brackets, so it can never become a real Slack token when
    the value is shown again. People mentions (`<@U…>`) stay: "add @dana as approver" needs them.
    """
    text = re.sub(r"&lt;([@#!][^&<>]*)&gt;", "‹\\1›", text)
    text = re.sub(r"<!(channel|here|everyone)(?:\|[^>]*)?>", r"@\1", text)
    text = re.sub(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>", lambda m: m.group(1) or "@team", text)
    text = re.sub(r"<((?:https?|mailto):[^<>|\s]+)(?:\|[^<>]*)?>", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def show_status(set_status: StatusSetter | None, status: str, loading: list[str] | None = None) -> None:
    """Set (or clear, with "") the thread's status line; cosmetic, so a refusal is logged and the turn goes on."""
    if set_status is None:
        return
    try:
        set_status(status=status, loading_messages=loading) if loading else set_status(status=status)
    except SlackApiError as error:
        log.warning("could not set the thread status: %s", error.response.get("error"))


def friendly_error(exc: BaseException, ref: str) -> str:
    """What the thread sees when a turn fails: agent/user_errors.py's words (setting named, no class names)."""
    return f":warning: {user_message(exc, f'`{ref}`')}"


def run_turn(deps: SlackDeps, client: WebClient, event: dict[str, Any], team_id: str, bot_user_id: str | None,
             set_status: StatusSetter | None = None) -> None:
    """Feed one message to the conversation; any failure becomes a friendly, specific note in the thread."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    if not first_time(deps.app.store, f"msg:{channel}:{event['ts']}", "message"):
        return
    text = decode_slack_text(strip_bot_mention(event.get("text", ""), bot_user_id))
    show_status(set_status, THINKING, LOADING_MESSAGES)
    try:
        files: list[Path] = []
        if event.get("files"):
            dest = deps.app.settings.artifacts_dir / "uploads" / f"{channel}-{event['ts']}"
            files = download_attachments(event["files"], client.token, dest, api_base_url=client.base_url)
        deps.conversation.handle(team_id=team_id, channel_id=channel, thread_ts=thread_ts,
                                 user_id=event.get("user", ""), text=text, files=files)
    except AttachmentError as error:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=f":paperclip: {error}")
    except Exception as exc:  # reported to the thread with a reference, and logged with the traceback
        if is_database_busy(exc):
            raise  # retried, then re-queued, by integrations/slack/busy.py (the listener's decorator)
        ref = uuid.uuid4().hex[:8]
        log.exception("turn failed (ref %s)", ref)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=friendly_error(exc, ref))
    finally:
        show_status(set_status, "")


def register(app: App, deps: SlackDeps) -> None:
    """app_mention everywhere; plain messages only inside season threads or DMs."""

    @app.event("app_mention")
    @retry_when_busy(deps.app.store)
    def on_mention(event: dict[str, Any], client: WebClient, context: dict[str, Any],
                   set_status: StatusSetter | None = None) -> None:
        if not first_delivery(deps.app.store, context, "app_mention"):
            return
        run_turn(deps, client, event, context.get("team_id") or "", context.get("bot_user_id"), set_status)

    @app.event("message")
    @retry_when_busy(deps.app.store)
    def on_message(event: dict[str, Any], client: WebClient, context: dict[str, Any],
                   set_status: StatusSetter | None = None) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        if not first_delivery(deps.app.store, context, "message"):
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
        run_turn(deps, client, event, team_id, context.get("bot_user_id"), set_status)
