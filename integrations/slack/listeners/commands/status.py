"""`/cliffhanger status`: the season's status posted into its thread (slash commands carry no thread_ts).

The season is the newest one started in the channel the command was typed in (or `/cliffhanger status 12` for
season 12); the answer goes to that season's thread and the person gets a private pointer to it.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy import select

from agent.graph.nodes.common import post_status
from agent.ports import ThreadRef
from agent.store.models import Season
from integrations.slack.deps import SlackDeps

COMMAND = "/cliffhanger"
USAGE = "Try `/cliffhanger status` in a channel with a season thread (or `/cliffhanger status <season id>`)."


def find_season(deps: SlackDeps, channel_id: str, text: str) -> tuple[int, ThreadRef] | None:
    """The season the command is about: an explicit id, else the channel's newest season."""
    with deps.app.store.session() as session:
        if match := re.search(r"\b(\d+)\b", text):
            season = session.get(Season, int(match.group(1)))
        else:
            season = session.scalar(select(Season).where(Season.channel_id == channel_id, Season.thread_ts != "")
                                    .order_by(Season.id.desc()))
        if season is None or not season.thread_ts:
            return None
        return season.id, ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)


def register(app: App, deps: SlackDeps) -> None:
    """Answer within 3 s (ack with a private note), then post the Block Kit answer and the board in the thread."""

    @app.command(COMMAND)
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        words = (command.get("text") or "").strip().split()
        if not words or words[0].lower() not in ("status", "board", "where"):
            ack(text=USAGE)
            return
        found = find_season(deps, command.get("channel_id", ""), " ".join(words[1:]))
        if found is None:
            ack(text="There's no season in this channel yet — @mention me with a brief to start one.")
            return
        season_id, thread = found
        ack(text=f"Posting the status of season {season_id} in its thread.")
        post_status(deps.app, thread, season_id)
