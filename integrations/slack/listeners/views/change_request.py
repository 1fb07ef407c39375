"""The change-request modal: one use case records the request and runs the scoped redo (no invented chat message)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.app.changes import request_change
from agent.store.models import Render
from integrations.slack.blocks.review_card import CHANGE_MODAL
from integrations.slack.busy import retry_when_busy
from integrations.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    """An empty note is sent back to the modal as a field error (Slack shows it under the input)."""

    def season_thread(body: dict[str, Any]) -> tuple[str, str] | None:
        """A submission names no channel: the busy note goes to the thread of the render the modal is about."""
        metadata = str((body.get("view") or {}).get("private_metadata") or "")
        if not metadata.isdigit():
            return None
        with deps.app.store.session() as session:  # a read: works while another connection holds the write lock
            render = session.get(Render, int(metadata))
            season = render.episode.season if render is not None else None
            return (season.channel_id, season.thread_ts) if season is not None else None

    @app.view(CHANGE_MODAL)
    @retry_when_busy(deps.app.store, season_thread)
    def on_change_request(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = (view["state"]["values"]["note"]["note"].get("value") or "").strip()
        if not note:
            ack(response_action="errors", errors={"note": "Tell us what should change."})
            return
        ack()
        request_change(deps.app, render_id=int(view["private_metadata"]), user_id=body["user"]["id"], note=note,
                       via="button")
