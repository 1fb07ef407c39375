"""The LinkedIn plug-in's own settings (environment variables LINKEDIN_*), read when the plug-in is built."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings


class LinkedInSettings(PluginSettings):
    """What the `linkedin` publisher needs; every field is LINKEDIN_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="LINKEDIN_", env_file=None, extra="ignore", populate_by_name=True)

    access_token: SecretStr | None = Field(
        default=None, description="OAuth token with w_organization_social (a Page) or w_member_social (a member).")
    author_urn: str | None = Field(default=None,
                                   description="Who posts: urn:li:organization:<id> or urn:li:person:<id>.")
    api_base_url: str = Field(default="https://api.linkedin.com", description="API host (a stand-in in tests).")
    api_version: str = Field(default="202611", description="LinkedIn-Version header (YYYYMM).")
    state_dir: Path | None = Field(
        default=None, description="Standalone runs: where progress records go (the sweep keeps them in the ledger).")
