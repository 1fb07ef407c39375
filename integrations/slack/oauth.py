"""OAuth multi-workspace install: Bolt's OAuth flow on slack_sdk's SQLAlchemy stores, in our own database.

Why the app's database and not files: every process (HTTP server, workers, a second replica) must see the same
installations and the same one-time `state` values, and the app already shares one database between them.

The three tables (`slack_installations`, `slack_bots`, `slack_oauth_states`) come from the alembic revision
`0005_slack`, not from the stores' `create_tables()`: schema changes stay ordered, reviewed and testable like every
other table (a test checks the revision still matches what slack_sdk's stores read and write).

Token mode needs none of this: one `xoxb-` token, one workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import Season
from integrations.slack.poster import SlackReviewChannel

if TYPE_CHECKING:  # imported lazily: they pull in sqlalchemy.ext.asyncio (greenlet), needed only in OAuth mode
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

STATE_EXPIRATION_SECONDS = 600


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """Installations and bot tokens, per workspace, in our database."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    if not settings.slack_client_id:
        raise ValueError("SLACK_CLIENT_ID is required for the OAuth installation store")
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth settings: /slack/install, /slack/oauth_redirect, state kept in the database for 10 minutes."""
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    if not settings.slack_oauth_enabled:
        raise ValueError("Set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace install")
    assert settings.slack_client_secret is not None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=[scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()],
        redirect_uri=settings.slack_redirect_uri,
        installation_store=installation_store(settings, engine),
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine),
    )


class InstalledClients:
    """The WebClient for a channel's workspace: the season's team → that workspace's bot token.

    The review poster posts from workers and services that have no Slack request in hand (a finished render, the
    publish sweep), so it cannot use Bolt's per-request client; it asks this resolver instead.
    """

    def __init__(self, store: Store, installations: SQLAlchemyInstallationStore,
                 make_client: Callable[[str | None], WebClient]) -> None:
        self.store = store
        self.installations = installations
        self.make_client = make_client

    def team_of(self, channel_id: str) -> str | None:
        """The workspace whose season lives in `channel_id` (Slack channel ids are unique across workspaces)."""
        with self.store.session() as session:
            return session.scalar(select(Season.team_id).where(Season.channel_id == channel_id).limit(1))

    def __call__(self, channel_id: str) -> WebClient:
        """A client holding the bot token installed for the channel's workspace."""
        team_id = self.team_of(channel_id)
        bot = self.installations.find_bot(enterprise_id=None, team_id=team_id) if team_id else None
        if bot is None or not bot.bot_token:
            raise LookupError(f"no Slack installation for the workspace of channel {channel_id}")
        return self.make_client(bot.bot_token)


def slack_adapters(settings: Settings, store: Store, base_url: str,
                   token: str | None) -> tuple[WebClient, SlackReviewChannel, OAuthSettings | None]:
    """The Bolt client, the review poster and (OAuth mode) the OAuth settings, wired the same way everywhere.

    Token mode: one client with `token` for both. OAuth mode (client id + secret set): a token-less client for
    Bolt (which finds each request's token in the installation store) and a poster that resolves the token per
    channel through `InstalledClients`.
    """
    from integrations.slack.app import make_client

    if not settings.slack_oauth_enabled:
        client = make_client(token, base_url)
        return client, SlackReviewChannel(client), None
    client = make_client(None, base_url)
    resolver = InstalledClients(store, installation_store(settings, store.engine),
                                lambda bot_token: make_client(bot_token, base_url))
    return client, SlackReviewChannel(client, client_for=resolver), oauth_settings(settings, store.engine)
