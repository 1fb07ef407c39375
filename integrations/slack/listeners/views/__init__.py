"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.views import brief_form, change_request


def register(app: App, deps: SlackDeps) -> None:
    """The change-request modal and the brief form."""
    change_request.register(app, deps)
    brief_form.register(app, deps)
