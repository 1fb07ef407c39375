"""Listener registration: one module per kind (events, actions, views), one callback per file."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners import actions, commands, events, views


def register_listeners(app: App, deps: SlackDeps) -> None:
    """Attach every listener to the Bolt app."""
    events.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    commands.register(app, deps)
