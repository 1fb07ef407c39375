"""The Facebook plug-in's own settings (environment variables FACEBOOK_*), read when the plug-in is built."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings
from integrations.facebook.graph import DEFAULT_BASE, DEFAULT_VERSION


class FacebookSettings(PluginSettings):
    """What the `facebook` publisher needs; every field is FACEBOOK_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="FACEBOOK_", env_file=None, extra="ignore", populate_by_name=True)

    page_token: SecretStr | None = Field(
        default=None, description="Page access token (pages_manage_posts; read_insights for figures).")
    page_id: str | None = Field(default=None, description="The Facebook Page that posts the Reels.")
    api_base_url: str = Field(default=DEFAULT_BASE, description="Graph API host (a stand-in in tests).")
    api_version: str = Field(default=DEFAULT_VERSION, description="Graph API version.")
    state_dir: Path | None = Field(
        default=None, description="Standalone runs: where progress records go (the sweep keeps them in the ledger).")
