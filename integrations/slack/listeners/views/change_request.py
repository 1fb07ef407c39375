"""The change-request modal: record the request, then hand the note to the conversation to scope and redo."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from agent.services.review import Outcome, vote
from agent.store.models import Render
from integrations.slack.blocks.review_card import CHANGE_MODAL
from integrations.slack.deps import SlackDeps
from integrations.slack.review_feedback import apply_decision


def register(app: App, deps: SlackDeps) -> None:
    """An empty note is sent back to the modal as a field error (Slack shows it under the input)."""

    @app.view(CHANGE_MODAL)
    def on_change_request(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = (view["state"]["values"]["note"]["note"].get("value") or "").strip()
        if not note:
            ack(response_action="errors", errors={"note": "Tell us what should change."})
            return
        ack()
        user = body["user"]["id"]
        with deps.app.store.session() as session:
            render = session.get(Render, int(view["private_metadata"]))
            if render is None:
                return
            decision = vote(session, render=render, user_id=user, approve=False, via="button", note=note)
            season = render.episode.season
            where = (season.team_id, season.channel_id, season.thread_ts, render.episode.number)
        apply_decision(deps, decision, user)
        if decision.outcome == Outcome.CHANGES_REQUESTED:
            team, channel, thread_ts, number = where
            deps.conversation.handle(team_id=team, channel_id=channel, thread_ts=thread_ts, user_id=user,
                                     text=f"Ep {number}: {note}")
