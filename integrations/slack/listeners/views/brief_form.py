"""Slack-native input: the brief form (button → prefilled modal → the thread's brief) and choice buttons (a click says
the choice in the thread, as if typed)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from integrations.slack.blocks.brief_form import MODAL, OPEN_ACTION, modal, submitted_brief
from integrations.slack.blocks.choices import ACTION_PREFIX as CHOICE_PREFIX
from integrations.slack.busy import action_thread, retry_when_busy
from integrations.slack.deps import SlackDeps

log = logging.getLogger(__name__)


def form_thread(body: dict[str, Any]) -> tuple[str, str] | None:
    """The thread the form was opened from (the modal carries it; a submission names no channel)."""
    try:
        channel, thread_ts = json.loads((body.get("view") or {}).get("private_metadata") or "[]")
    except (ValueError, TypeError):
        return None
    return (channel, thread_ts) if channel and thread_ts else None


def register(app: App, deps: SlackDeps) -> None:
    """Open on the button; on submit, brand and product must be there (field errors shown in the modal)."""

    @app.action(OPEN_ACTION)
    def on_open(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = body["actions"][0]
        try:
            prefill = json.loads(action.get("value") or "{}")
        except json.JSONDecodeError:
            prefill = {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id", "")
        thread_ts = message.get("thread_ts") or message.get("ts", "")
        client.views_open(trigger_id=body["trigger_id"], view=modal(prefill, channel, thread_ts))

    @app.action(re.compile(rf"^{CHOICE_PREFIX}\d$"))
    @retry_when_busy(deps.app.store, action_thread)
    def on_choice(ack: Ack, body: dict[str, Any]) -> None:
        """A choice button: the thread hears the choice as if it had been typed."""
        ack()
        try:
            says = json.loads(body["actions"][0].get("value") or "{}").get("say", "")
        except json.JSONDecodeError:
            return
        message = body.get("message") or {}
        thread_ts = message.get("thread_ts") or message.get("ts", "")
        if says and thread_ts:
            deps.conversation.handle(team_id=(body.get("team") or {}).get("id", ""),
                                     channel_id=(body.get("channel") or {}).get("id", ""), thread_ts=thread_ts,
                                     user_id=body["user"]["id"], text=says)

    @app.view(MODAL)
    @retry_when_busy(deps.app.store, form_thread)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        missing = {key: f"I need the {key} — it's the one thing I can't decide for you."
                   for key in ("brand", "product")
                   if not ((values.get(key) or {}).get(key) or {}).get("value", "").strip()}
        if missing:
            ack(response_action="errors", errors=missing)
            return
        ack()
        channel, thread_ts = json.loads(view["private_metadata"])
        deps.conversation.handle(team_id=(body.get("team") or {}).get("id", ""), channel_id=channel,
                                 thread_ts=thread_ts, user_id=body["user"]["id"], text=submitted_brief(values))
