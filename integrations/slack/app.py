"""Build the Bolt app (one composition point for Slack): token mode, or OAuth multi-workspace mode.

Slack's rules the app is built to keep:
- ack within 3 s: `process_before_response=False` makes Bolt answer the HTTP request as soon as the listener is
  matched and run the listener on `listener_executor` afterwards, so a slow turn never delays the ack;
- each event once: a global middleware dedupes every Events API delivery by `event_id` in the database;
- only Slack may call us: request verification (signature + 5-minute timestamp window) is on;
- Web API 429s are retried after Retry-After by slack_sdk's RateLimitErrorRetryHandler on every client.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from integrations.slack.deps import SlackDeps
from integrations.slack.listeners import middleware, register_listeners


def make_client(token: str | None, base_url: str) -> WebClient:
    """A WebClient that honours 429 Retry-After (real Slack or the emulator); token None for OAuth mode."""
    client = WebClient(token=token, base_url=base_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_app(*, client: WebClient, signing_secret: str, deps: SlackDeps,
              oauth_settings: OAuthSettings | None = None, listener_threads: int = 8) -> App:
    """The Bolt app with verification on, dedupe first, and every listener registered.

    With `oauth_settings` the app serves /slack/install and /slack/oauth_redirect and finds each workspace's bot
    token in the installation store; `client` then carries no token (only the base URL and retry handlers that
    Bolt copies into each request's client).
    """
    app = App(
        client=client, signing_secret=signing_secret, oauth_settings=oauth_settings,
        process_before_response=False, request_verification_enabled=True,
        listener_executor=ThreadPoolExecutor(max_workers=listener_threads, thread_name_prefix="slack-listener"),
    )
    middleware.register(app, deps.app.store)
    register_listeners(app, deps)
    return app
