"""The YouTube plug-in's own settings (environment variables YOUTUBE_*), read when the plug-in is built."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings
from integrations.youtube.client import DEFAULT_BASE, DEFAULT_TOKEN_URI


class YouTubeSettings(PluginSettings):
    """What the `youtube` publisher needs; every field is YOUTUBE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="YOUTUBE_", env_file=None, extra="ignore", populate_by_name=True)

    access_token: SecretStr | None = Field(
        default=None, description="OAuth access token of the channel (youtube.upload; youtube.readonly for figures).")
    refresh_token: SecretStr | None = Field(
        default=None, description="Renews an expired access token instead of failing the post.")
    client_id: str | None = Field(default=None, description="OAuth client id (needed to refresh).")
    client_secret: SecretStr | None = Field(default=None, description="OAuth client secret (needed to refresh).")
    token_uri: str = Field(default=DEFAULT_TOKEN_URI, description="Google's token endpoint (a stand-in in tests).")
    api_base_url: str = Field(default=DEFAULT_BASE, description="Data API root (a stand-in in tests and the demo).")
    audited: bool = Field(default=False,
                          description="Google audited the API project; unaudited projects upload private videos only.")
    privacy_status: str = Field(default="public", description="public | unlisted | private (private until audited).")
    made_for_kids: bool = Field(
        default=False, description="Default for status.selfDeclaredMadeForKids; a season that says otherwise wins.")
    category_id: str = Field(default="24", description="Video category (24 = Entertainment).")
    daily_uploads: int = Field(default=100, description="videos.insert calls the project may make per Pacific day.")
    daily_units: int = Field(default=10_000, description="Quota units per Pacific day for every other call.")
    state_dir: Path | None = Field(
        default=None, description="Standalone runs: where progress records go (the sweep keeps them in the ledger).")
