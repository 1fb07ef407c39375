"""The heygen video backend's own settings (environment variables HEYGEN_*)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings


class HeyGenSettings(PluginSettings):
    """What the `heygen` backend needs; every field is HEYGEN_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="HEYGEN_", env_file=None, extra="ignore", populate_by_name=True)

    api_key: SecretStr | None = Field(default=None, description="HeyGen API key (X-Api-Key).")
    base_url: str = Field(default="https://api.heygen.com", description="HeyGen API base URL (a stand-in in tests).")
    avatar_id: str | None = Field(default=None, description="The HeyGen avatar that plays the lead.")
    voice_id: str | None = Field(default=None,
                                 description="HeyGen voice for the lead when the lead lock names none of HeyGen's.")
