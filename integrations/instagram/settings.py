"""The Instagram plug-in's own settings (environment variables INSTAGRAM_*), read when the plug-in is built."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings
from integrations.facebook.graph import DEFAULT_BASE, DEFAULT_VERSION


class InstagramSettings(PluginSettings):
    """What the `instagram` publisher needs; every field is INSTAGRAM_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="INSTAGRAM_", env_file=None, extra="ignore", populate_by_name=True)

    access_token: SecretStr | None = Field(
        default=None, description="Token with instagram_content_publish (and instagram_manage_insights for figures).")
    user_id: str | None = Field(default=None, description="The Instagram professional account's IG user id.")
    api_base_url: str = Field(default=DEFAULT_BASE, description="Graph API host (a stand-in in tests).")
    api_version: str = Field(default=DEFAULT_VERSION, description="Graph API version.")
    share_to_feed: bool = Field(default=True, description="Show the Reel in the main feed as well as the Reels tab.")
    state_dir: Path | None = Field(
        default=None, description="Standalone runs: where progress records go (the sweep keeps them in the ledger).")
