"""Block actions."""

from __future__ import annotations

from slack_bolt import App

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.actions import (
    batch_buttons,
    campaign_buttons,
    release_buttons,
    review_buttons,
    spend_buttons,
)


def register(app: App, deps: SlackDeps) -> None:
    """Approve / Request changes on episode and campaign cards; Yes-approve / Cancel on batch approvals; Publish
    on a confirm-mode release; Approve spend / Cancel on a spend estimate."""
    review_buttons.register(app, deps)
    batch_buttons.register(app, deps)
    campaign_buttons.register(app, deps)
    release_buttons.register(app, deps)
    spend_buttons.register(app, deps)  # Approve spend / Cancel on a paid pass's estimate (issue 14)
