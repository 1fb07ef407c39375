"""One Slack thread from the emulator as a self-contained HTML page (the demo's "what the marketer saw").

Pure: reads the emulator's record, writes one HTML file (inline CSS, no scripts, no fetches) plus a media folder
next to it holding the uploaded episodes and images, referenced relatively so the folder can be zipped or
served anywhere. DOM hooks for tests: ``.message[data-ts][data-user]``, ``.file-video video``,
``.reaction[data-name][data-users]``, ``.block-actions .button[data-action-id]``.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from integrations.slack.emulator.blocks_html import blocks_html
from integrations.slack.emulator.mrkdwn import emoji, mrkdwn_to_html
from integrations.slack.emulator.server import SlackEmulator
from integrations.slack.emulator.store import Message, StoredFile
from integrations.slack.emulator.thread_style import THREAD_CSS

_EMULATOR_FILE_URL = re.compile(r"^https?://127\.0\.0\.1:\d+/files/([^/]+)/")


def _esc(value: Any) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


@dataclass
class _Page:
    """Rendering state for one page: who is who, where media goes, which files were copied already."""

    emulator: SlackEmulator
    out_dir: Path
    media_dir: Path
    tz: tzinfo
    copied: dict[str, str] = field(default_factory=dict)

    def name(self, user_id: str) -> str:
        return self.emulator.workspace.display_name(user_id)

    def media(self, stored: StoredFile) -> str | None:
        """Copy an uploaded file next to the page once; its path relative to the page (None without bytes)."""
        if stored.id in self.copied:
            return self.copied[stored.id]
        if stored.data is None:
            return None
        self.media_dir.mkdir(parents=True, exist_ok=True)
        target = self.media_dir / f"{stored.id}-{Path(stored.name).name}"
        target.write_bytes(stored.data)
        self.copied[stored.id] = Path(os.path.relpath(target, self.out_dir)).as_posix()
        return self.copied[stored.id]

    def url(self, url: str) -> str:
        """Emulator-hosted file URLs become local media paths; other URLs are left for the browser."""
        match = _EMULATOR_FILE_URL.match(url)
        stored = self.emulator.store.files.get(match.group(1)) if match else None
        local = self.media(stored) if stored else None
        return local or url


def _avatar(page: _Page, user_id: str | None) -> str:
    user = page.emulator.workspace.users.get(user_id or "")
    label = user.real_name if user else (user_id or "?")
    initials = "".join(part[0] for part in label.split()[:2]).upper() or "?"
    colour = user.avatar_color if user else "#868686"
    return f'<div class="avatar" style="background:{_esc(colour)}" title="{_esc(label)}">{_esc(initials)}</div>'


def _time(page: _Page, ts: str) -> str:
    moment = datetime.fromtimestamp(float(ts), tz=page.tz)
    return (f'<time datetime="{moment.isoformat()}" title="{moment:%Y-%m-%d %H:%M:%S %Z}">'
            f"{moment:%H:%M}</time>")


def _files(page: _Page, message: Message) -> str:
    parts = []
    for info in message.get("files") or []:
        stored = page.emulator.store.files.get(str(info.get("id")))
        src = page.media(stored) if stored else None
        title = _esc(info.get("title") or info.get("name"))
        mimetype = str(info.get("mimetype", ""))
        fid = _esc(info.get("id"))
        if src and mimetype.startswith("video/"):
            parts.append(f'<div class="file file-video" data-file-id="{fid}"><video controls preload="metadata" '
                         f'playsinline src="{_esc(src)}"></video><div class="file-title">{title}</div></div>')
        elif src and mimetype.startswith("image/"):
            parts.append(f'<div class="file file-image" data-file-id="{fid}"><img src="{_esc(src)}" '
                         f'alt="{title}"><div class="file-title">{title}</div></div>')
        else:
            link = f'<a href="{_esc(src)}">{title}</a>' if src else title
            parts.append(f'<div class="file file-other" data-file-id="{fid}">📎 {link}</div>')
    return f'<div class="files">{"".join(parts)}</div>' if parts else ""


def _reactions(page: _Page, message: Message) -> str:
    chips = []
    for reaction in message.get("reactions") or []:
        names = [page.name(u) for u in reaction.get("users", [])]
        who = ", ".join(names)
        chips.append(
            f'<span class="reaction" data-name="{_esc(reaction["name"])}" '
            f'data-users="{_esc(" ".join(reaction.get("users", [])))}" '
            f'title="{_esc(who)} reacted with :{_esc(reaction["name"])}:">{emoji(reaction["name"])} '
            f'<span class="count">{int(reaction.get("count", len(names)))}</span>'
            f'<span class="reaction-users">{_esc(who)}</span></span>')
    return f'<div class="reactions">{"".join(chips)}</div>' if chips else ""


def _body(page: _Page, message: Message) -> str:
    """Blocks when the message has real Block Kit; else the mrkdwn text (people's rich_text mirrors it)."""
    blocks = [b for b in message.get("blocks") or [] if isinstance(b, dict)]
    if blocks and any(b.get("type") != "rich_text" for b in blocks):
        return blocks_html(blocks, page.name, page.url)
    return mrkdwn_to_html(str(message.get("text", "")), page.name)


def _message(page: _Page, message: Message, role: str) -> str:
    ws = page.emulator.workspace
    user_id = message.get("user")
    is_bot = bool(message.get("bot_id")) or user_id == ws.bot_user_id
    classes = ["message", role, "from-bot" if is_bot else "from-user"]
    note = ""
    if message.get("ephemeral_user"):
        classes.append("ephemeral")
        note = f'<div class="ephemeral-note">Only visible to {_esc(page.name(message["ephemeral_user"]))}</div>'
    if message.get("subtype") == "tombstone":
        classes.append("tombstone")
    badge = '<span class="app-badge">APP</span>' if is_bot else ""
    edited = '<span class="edited">(edited)</span>' if message.get("edited") else ""
    return (
        f'<div class="{" ".join(classes)}" id="m-{_esc(message["ts"]).replace(".", "-")}" '
        f'data-ts="{_esc(message["ts"])}" data-user="{_esc(user_id)}">{_avatar(page, user_id)}'
        f'<div class="content">{note}<div class="meta"><span class="author">{_esc(page.name(user_id or ""))}'
        f"</span>{badge}{_time(page, message['ts'])}{edited}</div>"
        f'<div class="body">{_body(page, message)}</div>{_files(page, message)}{_reactions(page, message)}'
        "</div></div>"
    )


def render_thread_html(emulator: SlackEmulator, channel: str, thread_ts: str, out_path: Path | str,
                       media_dir: Path | str | None = None, *, tz: tzinfo | None = None,
                       include_ephemeral: bool = True) -> Path:
    """Write the thread ``thread_ts`` of ``channel`` as HTML at ``out_path``; returns the path.

    Media (uploaded videos and images) is copied to ``media_dir`` (default: ``<out stem>_media`` beside the
    page). Times are shown in ``tz`` (default UTC). Ephemeral replies appear, marked, where they were sent.
    """
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(media_dir) if media_dir is not None else out.parent / f"{out.stem}_media"
    page = _Page(emulator, out.parent, media, tz or UTC)
    messages = emulator.messages(channel, thread_ts)
    if include_ephemeral:
        messages += [m for m in emulator.ephemerals()
                     if m.get("channel") == channel and m.get("thread_ts") == thread_ts]
        messages.sort(key=lambda m: float(m["ts"]))
    chan = emulator.workspace.channels.get(channel)
    chan_label = f"#{chan.name}" if chan and not chan.is_im else page.name(chan.im_user or "") if chan else channel
    parts = []
    replies = [m for m in messages if m["ts"] != thread_ts]
    for message in messages:
        is_parent = message["ts"] == thread_ts
        parts.append(_message(page, message, "parent" if is_parent else "reply"))
        if is_parent and replies:
            count = len(replies)
            parts.append(f'<div class="replies-divider">{count} {"reply" if count == 1 else "replies"}</div>')
    status = emulator.assistant_state(channel, thread_ts).get("status")
    if status:
        parts.append(f'<div class="assistant-status">{_esc(emulator.workspace.bot.real_name)} {_esc(status)}</div>')
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Thread in {_esc(chan_label)}</title><style>{THREAD_CSS}</style></head><body>"
        f'<main class="thread" data-channel="{_esc(channel)}" data-thread-ts="{_esc(thread_ts)}">'
        f'<header class="thread-header"><h1>Thread</h1><span class="channel">{_esc(chan_label)}</span></header>'
        f'{"".join(parts)}</main></body></html>\n'
    )
    out.write_text(document, encoding="utf-8")
    return out
