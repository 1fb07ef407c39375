"""assistant.threads.* and views.*: the non-message surfaces (status line, suggested prompts, modals, home).

They change nothing in a thread, but the app's behaviour is visible through them, so the emulator keeps their
latest state per thread / per view for tests and the demo to read.
"""

from __future__ import annotations

import hashlib
from typing import Any

from integrations.slack.emulator.methods.context import Handler, MethodContext, Params, required
from integrations.slack.emulator.store import SlackMethodError


def _assistant_state(ctx: MethodContext, params: Params, thread_required: bool = True) -> dict[str, Any]:
    """The live state dict for one assistant thread (channel-level, key thread_ts "", when none is given)."""
    channel = required(params, "channel_id", "channel_not_found")
    thread_ts = required(params, "thread_ts", "invalid_arguments") if thread_required else str(
        params.get("thread_ts") or "")
    return ctx.store.assistant_threads.setdefault((channel, thread_ts), {})


def set_status(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """assistant.threads.setStatus: the "is thinking…" line (empty string clears it)."""
    with ctx.store.cond:
        _assistant_state(ctx, params)["status"] = str(params.get("status") or "")
    return {"ok": True}


def set_suggested_prompts(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """assistant.threads.setSuggestedPrompts: up to four prompt buttons.

    thread_ts is optional: agent-view apps must omit it (the prompts then belong to the Messages tab itself).
    """
    prompts = params.get("prompts")
    if not isinstance(prompts, list):
        raise SlackMethodError("invalid_arguments")
    with ctx.store.cond:
        state = _assistant_state(ctx, params, thread_required=False)
        state["prompts"] = prompts
        state["prompts_title"] = params.get("title")
    return {"ok": True}


def set_title(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """assistant.threads.setTitle: the thread's title in the assistant history."""
    title = required(params, "title", "invalid_arguments")
    with ctx.store.cond:
        _assistant_state(ctx, params)["title"] = title
    return {"ok": True}


def _view_object(ctx: MethodContext, view_id: str, view: dict[str, Any], user: str | None) -> dict[str, Any]:
    """A view as Slack returns it: the submitted definition plus ids, empty state and a hash."""
    ws = ctx.workspace
    digest = hashlib.sha1(repr(sorted(view.items())).encode()).hexdigest()[:16]
    return {
        "id": view_id, "team_id": ws.team_id, "app_id": ws.app_id, "bot_id": ws.bot_id,
        "type": view.get("type", "modal"), "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""), "title": view.get("title"), "submit": view.get("submit"),
        "close": view.get("close"), "state": {"values": {}}, "hash": digest, "root_view_id": view_id,
        "previous_view_id": None, "clear_on_close": False, "notify_on_close": False, "user": user,
    }


def _view_arg(params: Params) -> dict[str, Any]:
    view = params.get("view")
    if not isinstance(view, dict):
        raise SlackMethodError("invalid_arguments")
    return view


def views_open(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """views.open / views.push: needs a trigger_id the EventSender issued with an interaction."""
    trigger_id = required(params, "trigger_id", "invalid_trigger_id")
    with ctx.store.cond:
        user = ctx.store.triggers.get(trigger_id)
        if user is None:
            raise SlackMethodError("invalid_trigger_id")
        view_id = ctx.store.next_id("V")
        view = _view_object(ctx, view_id, _view_arg(params), user)
        ctx.store.views[view_id] = view
        ctx.store.cond.notify_all()
        return {"ok": True, "view": view}


def views_update(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """views.update: replace an open view, addressed by view_id or external_id."""
    with ctx.store.cond:
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next((v["id"] for v in ctx.store.views.values()
                            if v.get("external_id") == params["external_id"]), None)
        old = ctx.store.views.get(str(view_id)) if view_id else None
        if old is None:
            raise SlackMethodError("not_found")
        view = _view_object(ctx, old["id"], _view_arg(params), old.get("user"))
        ctx.store.views[old["id"]] = view
        ctx.store.cond.notify_all()
        return {"ok": True, "view": view}


def views_publish(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """views.publish: the App Home tab of one user (one view per user, replaced on each publish)."""
    user = required(params, "user_id", "invalid_arguments")
    if user not in ctx.workspace.users:
        raise SlackMethodError("user_not_found")
    with ctx.store.cond:
        view_id = next((v["id"] for v in ctx.store.views.values()
                        if v.get("type") == "home" and v.get("user") == user), None) or ctx.store.next_id("V")
        view = _view_object(ctx, view_id, {"type": "home", **_view_arg(params)}, user)
        ctx.store.views[view_id] = view
        ctx.store.cond.notify_all()
        return {"ok": True, "view": view}


HANDLERS: dict[str, Handler] = {
    "assistant.threads.setStatus": set_status,
    "assistant.threads.setSuggestedPrompts": set_suggested_prompts,
    "assistant.threads.setTitle": set_title,
    "views.open": views_open,
    "views.push": views_open,
    "views.update": views_update,
    "views.publish": views_publish,
}
