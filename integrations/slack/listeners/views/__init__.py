"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.views import change_request


def register(app: App, deps: SlackDeps) -> None:
    """The change-request modal."""
    change_request.register(app, deps)
