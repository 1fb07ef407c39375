"""files.*: the three-step upload slack-sdk's ``files_upload_v2`` performs, and files.info.

Step 1 hands out an upload URL on the emulator itself, step 2 (a raw POST of the bytes) is served by the HTTP
handler, step 3 shares the file into a channel/thread and — as Slack does — adds a message carrying the file, so
the thread shows the episode video where the approval card will follow.
"""

from __future__ import annotations

import time
from typing import Any

from integrations.slack.emulator.methods.context import Handler, MethodContext, Params, channel_of, required
from integrations.slack.emulator.store import SlackMethodError, StoredFile


def get_upload_url(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """files.getUploadURLExternal: reserve a file id and point the client at our own upload endpoint."""
    filename = required(params, "filename", "invalid_arguments")
    try:
        length = int(required(params, "length", "invalid_arguments"))
    except ValueError as exc:
        raise SlackMethodError("invalid_arguments") from exc
    file_id = ctx.store.next_id("F")
    with ctx.store.cond:
        ctx.store.files[file_id] = StoredFile(
            id=file_id, name=filename, title=filename, length=length,
            user=ctx.workspace.bot_user_id, created=int(time.time()),
        )
    return {"ok": True, "upload_url": f"{ctx.root_url}upload/{file_id}", "file_id": file_id}


def _share(ctx: MethodContext, files: list[StoredFile], channel_id: str, params: Params) -> None:
    """Post the file message into the channel (or thread) and note the share on each file."""
    ws = ctx.workspace
    channel = channel_of(ctx, {"channel": channel_id})
    message = {
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "team": ws.team_id,
        "text": str(params.get("initial_comment") or ""),
        "upload": True,
        "display_as_bot": False,
        "files": [f.to_slack(ctx.root_url) for f in files],
    }
    with ctx.store.cond:
        stored = ctx.store.add_message(channel.id, message, thread_ts=params.get("thread_ts") or None)
        visibility = "private" if channel.is_im else "public"
        share = {"ts": stored["ts"], "channel_name": channel.name, "team_id": ws.team_id}
        if stored.get("thread_ts"):
            share["thread_ts"] = stored["thread_ts"]
        for f in files:
            f.shares.setdefault(visibility, {}).setdefault(channel.id, []).append(share)
        stored["files"] = [f.to_slack(ctx.root_url) for f in files]


def complete_upload(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """files.completeUploadExternal: finish uploads (``files`` is a JSON list of {id, title}) and share them."""
    entries = params.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackMethodError("invalid_arguments")
    done: list[StoredFile] = []
    with ctx.store.cond:
        for entry in entries:
            stored = ctx.store.files.get(str(entry.get("id")))
            if stored is None or stored.data is None:
                raise SlackMethodError("file_not_found")
            stored.title = str(entry.get("title") or stored.name)
            stored.completed = True
            done.append(stored)
        channels = [str(params["channel_id"])] if params.get("channel_id") else []
        if params.get("channels"):
            channels += [c for c in str(params["channels"]).split(",") if c and c not in channels]
        for channel_id in channels:
            _share(ctx, done, channel_id, params)
        return {"ok": True, "files": [f.to_slack(ctx.root_url) for f in done]}


def info(ctx: MethodContext, params: Params) -> dict[str, Any]:
    """files.info: the file object, including ``shares`` (where the ts of the file message can be found)."""
    file_id = required(params, "file", "file_not_found")
    with ctx.store.cond:
        stored = ctx.store.files.get(file_id)
        if stored is None or not stored.completed:
            raise SlackMethodError("file_not_found")
        return {"ok": True, "file": stored.to_slack(ctx.root_url), "comments": [],
                "response_metadata": {"next_cursor": ""}}


HANDLERS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": info,
}
