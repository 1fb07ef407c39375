"""Event listeners."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.events import app_home, messages, reactions


def register(app: App, deps: SlackDeps) -> None:
    """Messages (mentions, thread replies, DMs), reactions, and the app's Home / Messages tabs."""
    messages.register(app, deps)
    reactions.register(app, deps)
    app_home.register(app, deps)
