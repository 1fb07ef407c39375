"""One typed settings object for the whole application.

Precedence: explicit value → environment → default. Nothing reads the environment except through this class, and
only the composition root (the CLI) builds it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field documented so `cliffhanger --help` users know what to set."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    cliffhanger_home: Path = Field(
        default=Path(".cliffhanger"),
        validation_alias="CLIFFHANGER_HOME",
        description="Data directory: SQLite database, queue, checkpoints, artifacts.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL; default SQLite file under the data dir. postgresql://… for scale.",
    )
    redis_url: str | None = Field(
        default=None, validation_alias="REDIS_URL", description="Redis URL for the job queue (RedisHuey)."
    )
    google_api_key: SecretStr | None = Field(
        default=None, validation_alias="GOOGLE_API_KEY", description="Gemini key; absent → offline brain."
    )
    gemini_model: str = Field(
        default="gemini-2.5-flash", validation_alias="GEMINI_MODEL", description="Gemini chat model name."
    )
    gemini_base_url: str | None = Field(
        default=None, validation_alias="GEMINI_BASE_URL", description="Gemini endpoint (a local stand-in in tests)."
    )
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_BOT_TOKEN", description="xoxb- bot token; absent → local emulator."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET", description="Verifies Slack's signed requests."
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_APP_TOKEN", description="xapp- token; present → Socket Mode."
    )
    slack_api_base_url: str = Field(
        default="https://slack.com/api/",
        validation_alias="SLACK_API_BASE_URL",
        description="Slack Web API base URL (the emulator's in the demo and tests).",
    )
    artifact_store_url: str | None = Field(
        default=None,
        validation_alias="ARTIFACT_STORE_URL",
        description="Where renders live: local folder by default, s3://bucket/prefix to share across machines.",
    )
    outbox_dir: Path | None = Field(
        default=None, validation_alias="CLIFFHANGER_OUTBOX", description="Outbox folder; default <home>/outbox."
    )
    tiktok_access_token: SecretStr | None = Field(default=None, validation_alias="TIKTOK_ACCESS_TOKEN")
    tiktok_api_base_url: str = Field(default="https://open.tiktokapis.com", validation_alias="TIKTOK_API_BASE_URL")
    render_preset: str = Field(
        default="veryfast", validation_alias="CLIFFHANGER_RENDER_PRESET", description="libx264 preset for renders."
    )

    @property
    def home(self) -> Path:
        """The data dir, created on first use."""
        self.cliffhanger_home.mkdir(parents=True, exist_ok=True)
        return self.cliffhanger_home

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'cliffhanger.db').resolve()}"

    @property
    def effective_outbox_dir(self) -> Path:
        """The outbox folder (ready-to-upload packages)."""
        return self.outbox_dir or (self.home / "outbox")

    @property
    def artifacts_dir(self) -> Path:
        """Local artifact folder (renders, covers, portraits)."""
        path = self.home / "artifacts"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def checkpoint_path(self) -> Path:
        """SQLite file for LangGraph checkpoints."""
        return self.home / "checkpoints.sqlite"

    @property
    def queue_path(self) -> Path:
        """SQLite file for the embedded huey queue."""
        return self.home / "queue.sqlite"
