"""Block actions."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.actions import review_buttons


def register(app: App, deps: SlackDeps) -> None:
    """Approve / Request changes buttons."""
    review_buttons.register(app, deps)
