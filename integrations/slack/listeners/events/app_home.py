"""app_home_opened: suggested prompts in the Messages tab, a short how-to on the Home tab.

The Messages tab is where the app's agent view chats (DESIGN §4): prompts set with
assistant.threads.setSuggestedPrompts — channel only, no thread_ts, which agent apps must omit — give a first-time
user a one-click start. The Home tab gets the same starters as text via views.publish.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners.middleware import first_delivery

log = logging.getLogger(__name__)

PROMPTS_TITLE = "Start a mini-drama season"
SUGGESTED_PROMPTS: list[dict[str, str]] = [
    {"title": "Start a new season",
     "message": "We're Lumen Coffee and we'd love a season for our Night Brew can, aimed at night-shift nurses — "
                "cosy suspense, 8 episodes of 40 seconds, daily at 6pm New York."},
    {"title": "Start from a few words", "message": "we make oat bars for climbers, make it funny"},
    {"title": "What do you need from me?", "message": "help"},
    {"title": "Where are we?", "message": "status?"},
]


def home_view(prompts: list[dict[str, str]]) -> dict[str, Any]:
    """The Home tab: what the app does, how to start, the same starters as the Messages tab."""
    starters = "\n".join(f"• *{p['title']}* — `{p['message'][:80]}`" for p in prompts)
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Cliffhanger — your AI showrunner"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                "I write, cast, render and schedule branded TikTok mini-drama seasons (8–12 episodes, each with a "
                "cold open, one beat and a cliffhanger). Nothing is published until an approver says so.")}},
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                "*Start:* @mention me in a channel with your brand, product and audience — or write to me in the "
                "*Messages* tab. One thread is one season.")}},
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*Try:*\n{starters}"}},
        ],
    }


def register(app: App, deps: SlackDeps) -> None:
    """app_home_opened for both tabs."""

    @app.event("app_home_opened")
    def on_app_home_opened(event: dict[str, Any], client: WebClient, context: dict[str, Any],
                           set_suggested_prompts: Callable[..., Any] | None = None) -> None:
        if not first_delivery(deps.app.store, context, "app_home_opened"):
            return
        try:
            if event.get("tab") == "messages":
                if set_suggested_prompts is not None:
                    set_suggested_prompts(prompts=SUGGESTED_PROMPTS, title=PROMPTS_TITLE)
                elif event.get("channel"):
                    client.assistant_threads_setSuggestedPrompts(channel_id=event["channel"],
                                                                 prompts=SUGGESTED_PROMPTS, title=PROMPTS_TITLE)
            else:
                client.views_publish(user_id=event["user"], view=home_view(SUGGESTED_PROMPTS))
        except SlackApiError as error:  # a missing scope must not look like a crash; the log says which
            log.warning("app_home_opened (%s tab): Slack refused: %s", event.get("tab"),
                        error.response.get("error"))
