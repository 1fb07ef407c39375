"""chat.* and reactions.*: what the bot says in threads and the emoji it adds."""

from __future__ import annotations

import copy
from typing import Any

from integrations.slack.emulator.methods.context import (
    Handler,
    MethodContext,
    Params,
    channel_of,
    flag,
    required,
)
from integrations.slack.emulator.store import Message, SlackMethodError


def _content(params: Params) -> dict[str, Any]:
    """Text, blocks, attachments and metadata of a post or update (only the fields given)."""
    content: dict[str, Any] = {}
    for key in ("text", "blocks", "attachments", "metadata"):
        if key in params and params[key] is not None:
            content[key] = params[key]
    return content


def _bot_message(ctx: MethodContext, params: Params) -> Message:
    """A message authored by the bot, with the ids Bolt's self-event filter compares against auth.test."""
    ws = ctx.workspace
    content = _content(params)
    if not content.get("text") and not content.get("blocks") and not content.get("attachments"):
        raise SlackMethodError("no_text")
    return {
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "team": ws.team_id,
        "text": "",
        "blocks": [],
        "bot_profile": {"id": ws.bot_id, "app_id": ws.app_id, "name": ws.bot.real_name, "team_id": ws.team_id},
        **content,
    }


def _public(message: Message) -> Message:
    """A copy without the emulator's own bookkeeping, as returned in ``message`` fields."""
    out = copy.deepcopy(message)
    out.pop("channel", None)
    return out


def post_message(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """chat.postMessage: store the bot's message (in a thread when ``thread_ts``) and return its ts."""
    channel = channel_of(ctx, params)
    message = _bot_message(ctx, params)
    if flag(params, "reply_broadcast"):
        message["subtype"] = "thread_broadcast"
    stored = ctx.store.add_message(channel.id, message, thread_ts=params.get("thread_ts") or None)
    return {"ok": True, "channel": channel.id, "ts": stored["ts"], "message": _public(stored)}


def update(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """chat.update: replace text/blocks of one of the bot's own messages."""
    channel = channel_of(ctx, params)
    ts = required(params, "ts", "message_not_found")
    with ctx.store.cond:
        message = ctx.store.find(channel.id, ts)
        if message is None:
            raise SlackMethodError("message_not_found")
        if message.get("user") != ctx.workspace.bot_user_id:
            raise SlackMethodError("cant_update_message")
        message.update(_content(params))
        message["edited"] = {"user": ctx.workspace.bot_user_id, "ts": ctx.store.next_ts()}
        ctx.store.cond.notify_all()
        result = _public(message)
    return {"ok": True, "channel": channel.id, "ts": ts, "text": result.get("text", ""), "message": result}


def post_ephemeral(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """chat.postEphemeral: a message only ``user`` sees; kept apart from the channel history."""
    channel = channel_of(ctx, params)
    user = required(params, "user", "user_not_found")
    if user not in ctx.workspace.users:
        raise SlackMethodError("user_not_found")
    message = _bot_message(ctx, params)
    with ctx.store.cond:
        message.update({"ts": ctx.store.next_ts(), "channel": channel.id, "ephemeral_user": user,
                        "thread_ts": params.get("thread_ts") or None})
        ctx.store.ephemerals.append(message)
        ctx.store.cond.notify_all()
    return {"ok": True, "message_ts": message["ts"]}


def delete(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """chat.delete: remove one of the bot's own messages."""
    channel = channel_of(ctx, params)
    ts = required(params, "ts", "message_not_found")
    message = ctx.store.find(channel.id, ts)
    if message is None:
        raise SlackMethodError("message_not_found")
    if message.get("user") != ctx.workspace.bot_user_id:
        raise SlackMethodError("cant_delete_message")
    ctx.store.delete_message(channel.id, ts)
    return {"ok": True, "channel": channel.id, "ts": ts}


def get_permalink(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """chat.getPermalink: a Slack-looking link (messages in the demo HTML are addressed by ts)."""
    channel = channel_of(ctx, params)
    ts = required(params, "message_ts", "message_not_found")
    if ctx.store.find(channel.id, ts) is None:
        raise SlackMethodError("message_not_found")
    return {"ok": True, "channel": channel.id,
            "permalink": f"{ctx.workspace.url}archives/{channel.id}/p{ts.replace('.', '')}"}


def reactions_add(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """reactions.add: the bot reacts (e.g. :eyes: on a brief it is working on)."""
    channel = channel_of(ctx, params)
    ts = required(params, "timestamp", "no_item_specified")
    name = required(params, "name", "invalid_name")
    ctx.store.add_reaction(channel.id, ts, name, ctx.workspace.bot_user_id)
    return {"ok": True}


def reactions_remove(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """reactions.remove: the bot takes its reaction back."""
    channel = channel_of(ctx, params)
    ts = required(params, "timestamp", "no_item_specified")
    name = required(params, "name", "invalid_name")
    ctx.store.remove_reaction(channel.id, ts, name, ctx.workspace.bot_user_id)
    return {"ok": True}


def reactions_get(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """reactions.get: the message with its ``reactions`` (name, users, count) — how approvals can be recounted."""
    channel = channel_of(ctx, params)
    ts = required(params, "timestamp", "no_item_specified")
    with ctx.store.cond:
        message = ctx.store.find(channel.id, ts)
        if message is None:
            raise SlackMethodError("message_not_found")
        return {"ok": True, "type": "message", "channel": channel.id, "message": _public(message)}


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.postEphemeral": post_ephemeral,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "reactions.get": reactions_get,
}
