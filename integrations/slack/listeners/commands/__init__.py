"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.commands import status


def register(app: App, deps: SlackDeps) -> None:
    """`/cliffhanger status`."""
    status.register(app, deps)
