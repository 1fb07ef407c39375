"""The TikTok publisher's own settings (environment variables TIKTOK_*), read when the plug-in is built."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings


class TikTokSettings(PluginSettings):
    """What the `tiktok` publisher needs; every field is TIKTOK_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="TIKTOK_", env_file=None, extra="ignore", populate_by_name=True)

    access_token: SecretStr | None = Field(default=None, description="User token with the video.publish scope.")
    api_base_url: str = Field(default="https://open.tiktokapis.com", description="API host (a stand-in in tests).")
    mode: str = Field(default="direct",
                      description="direct (post now) or inbox (a draft the creator finishes in the TikTok app).")
    audited: bool = Field(default=False,
                          description="True once TikTok audited the app; unaudited apps may only post SELF_ONLY.")
    privacy_level: str = Field(default="PUBLIC_TO_EVERYONE",
                               description="Privacy level for audited apps (one of the creator's options).")
    inbox_fallback: bool = Field(default=True,
                                 description="When a direct post hits TikTok's cap, send an inbox draft instead.")
    posts_per_day: int = Field(default=15, description="Direct posts per creator per 24 h the schedule may plan.")
    pending_inbox_per_day: int = Field(default=5, description="Inbox drafts that may wait unfinished per 24 h.")
    state_dir: Path | None = Field(
        default=None, description="Standalone runs: where publish_ids are kept (default <home>/tiktok-state).")
