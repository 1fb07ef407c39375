"""Build the Bolt app (one composition point for Slack): token mode against Slack or the local emulator."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners import register_listeners


def make_client(token: str, base_url: str) -> WebClient:
    """A WebClient that honours 429 Retry-After (real Slack or the emulator)."""
    client = WebClient(token=token, base_url=base_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_app(*, client: WebClient, signing_secret: str, deps: SlackDeps) -> App:
    """The Bolt app with request verification on and every listener registered."""
    app = App(client=client, signing_secret=signing_secret, process_before_response=False,
              request_verification_enabled=True)
    register_listeners(app, deps)
    return app
