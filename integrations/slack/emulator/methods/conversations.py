"""auth.test, conversations.* and users.*: who the bot is, what a thread holds, who the people are."""

from __future__ import annotations

from typing import Any

from integrations.slack.emulator.methods.context import Handler, MethodContext, Params, channel_of, required
from integrations.slack.emulator.store import SlackMethodError
from integrations.slack.emulator.workspace import FakeChannel

CHANNEL_CREATED = 1_700_000_000


def _limit(params: Params, default: int = 1000) -> int:
    """The ``limit`` argument (form values are strings)."""
    try:
        return max(1, int(params.get("limit") or default))
    except (TypeError, ValueError):
        return default


def _page(messages: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """One page with Slack's pagination fields; the emulator never has more than one page to give."""
    return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit,
            "response_metadata": {"next_cursor": ""}}


def auth_test(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """auth.test: the bot identity Bolt caches and uses to ignore the bot's own events."""
    ws = ctx.workspace
    return {"ok": True, "url": ws.url, "team": ws.team_name, "user": ws.bot.name, "team_id": ws.team_id,
            "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": ws.app_id, "is_enterprise_install": False}


def replies(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """conversations.replies: parent + replies, oldest first (what Bolt's Assistant ``say()`` reads)."""
    channel = channel_of(ctx, params)
    ts = required(params, "ts", "thread_not_found")
    messages = ctx.store.thread(channel.id, ts)
    oldest, latest = params.get("oldest"), params.get("latest")
    if oldest:
        messages = [m for m in messages if float(m["ts"]) >= float(oldest)]
    if latest:
        messages = [m for m in messages if float(m["ts"]) <= float(latest)]
    return _page(messages, _limit(params))


def history(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """conversations.history: top-level messages (and broadcasts), newest first."""
    channel = channel_of(ctx, params)
    messages = [
        {k: v for k, v in m.items() if k != "channel"}
        for m in ctx.store.select(channel.id)
        if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
    ]
    messages.reverse()
    return _page(messages, _limit(params, 100))


def info(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """conversations.info: the channel object."""
    return {"ok": True, "channel": channel_of(ctx, params).to_slack(CHANNEL_CREATED)}


def conversations_list(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """conversations.list: every known conversation."""
    channels = [c.to_slack(CHANNEL_CREATED) for c in ctx.workspace.channels.values()]
    return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}


def conversations_open(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """conversations.open: the DM with one user (created on first use, like Slack)."""
    user = required(params, "users", "users_list_not_supplied").split(",")[0]
    if user not in ctx.workspace.users:
        raise SlackMethodError("user_not_found")
    existing = next((c for c in ctx.workspace.channels.values() if c.is_im and c.im_user == user), None)
    channel = existing or ctx.workspace.add_channel(FakeChannel(f"D_{user}", user, is_im=True, im_user=user))
    return {"ok": True, "channel": {"id": channel.id}}


def users_info(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """users.info: a fake profile for a known user, ``user_not_found`` otherwise."""
    user = ctx.workspace.users.get(required(params, "user", "user_not_found"))
    if user is None:
        raise SlackMethodError("user_not_found")
    return {"ok": True, "user": user.to_slack(ctx.workspace.team_id)}


def users_list(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """users.list: all known people and the bot."""
    members = [u.to_slack(ctx.workspace.team_id) for u in ctx.workspace.users.values()]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


HANDLERS: dict[str, Handler] = {
    "auth.test": auth_test,
    "conversations.replies": replies,
    "conversations.history": history,
    "conversations.info": info,
    "conversations.list": conversations_list,
    "conversations.open": conversations_open,
    "users.info": users_info,
    "users.list": users_list,
}
