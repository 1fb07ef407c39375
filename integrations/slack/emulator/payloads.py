"""Events API envelopes and interactivity payloads, shaped like the ones Slack sends.

Kept apart from the HTTP sending so the shapes can be read (and checked against Slack's docs) in one place.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from integrations.slack.emulator.store import Message
from integrations.slack.emulator.workspace import FakeChannel, Workspace


def new_event_id() -> str:
    """A Slack-looking event id; each delivery of a *different* event gets a fresh one (retries reuse it)."""
    return "Ev" + uuid.uuid4().hex[:10].upper()


def envelope(ws: Workspace, event: dict[str, Any], verification_token: str) -> dict[str, Any]:
    """The ``event_callback`` wrapper around one event (authorizations name the bot, as for a bot install)."""
    return {
        "token": verification_token,
        "team_id": ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": ws.team_id, "user_id": ws.bot_user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }


def message_event(message: Message, channel: FakeChannel, kind: str = "message") -> dict[str, Any]:
    """A ``message`` (with ``channel_type``) or ``app_mention`` event for a stored human message."""
    event: dict[str, Any] = {
        "type": kind,
        "user": message["user"],
        "text": message["text"],
        "ts": message["ts"],
        "event_ts": message["ts"],
        "channel": channel.id,
        "team": message.get("team"),
        "client_msg_id": message.get("client_msg_id"),
        "blocks": message.get("blocks", []),
    }
    if kind == "message":
        event["channel_type"] = channel.channel_type
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        event["thread_ts"] = message["thread_ts"]
        event["parent_user_id"] = message.get("parent_user_id")
    return event


def reaction_event(kind: str, user: str, reaction: str, channel: str, message: Message,
                   event_ts: str) -> dict[str, Any]:
    """``reaction_added`` / ``reaction_removed``: Slack gives the item (channel, ts) but no thread_ts."""
    return {
        "type": kind,
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": message["ts"]},
        "item_user": message.get("user"),
        "event_ts": event_ts,
    }


def user_object(ws: Workspace, user: str) -> dict[str, Any]:
    """The ``user`` field of interactivity payloads."""
    person = ws.users.get(user)
    name = person.name if person else user
    return {"id": user, "username": name, "name": name, "team_id": ws.team_id}


def find_element(message: Message, action_id: str) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of the interactive element with ``action_id`` in a message's blocks."""
    for block in message.get("blocks") or []:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


def block_actions_payload(ws: Workspace, *, user: str, channel: FakeChannel, message: Message | None,
                          message_ts: str, action: dict[str, Any], trigger_id: str, response_url: str,
                          verification_token: str) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on a button in a channel message."""
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel.id,
                                 "is_ephemeral": False}
    thread_ts = (message or {}).get("thread_ts")
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_object(ws, user),
        "api_app_id": ws.app_id,
        "token": verification_token,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": ws.team_id, "domain": ws.domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel.id, "name": channel.name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:
        payload["message"] = {k: v for k, v in message.items() if k != "channel"}
    return payload


def expand_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Accept ``{block: {action: "text"}}`` shorthand and expand it to plain_text_input state values."""
    out: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        out[block_id] = {
            action_id: value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
            for action_id, value in actions.items()
        }
    return out


def view_submission_payload(ws: Workspace, *, user: str, view: dict[str, Any], values: dict[str, Any],
                            trigger_id: str, verification_token: str) -> dict[str, Any]:
    """A ``view_submission`` payload for a modal the app opened, with the typed-in state values."""
    submitted = {k: v for k, v in view.items() if k != "user"}
    submitted["state"] = {"values": expand_values(values)}
    return {
        "type": "view_submission",
        "team": {"id": ws.team_id, "domain": ws.domain},
        "user": user_object(ws, user),
        "api_app_id": ws.app_id,
        "token": verification_token,
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }
