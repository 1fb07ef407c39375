"""The core settings: data dir, database, queue, Slack, artifact store, and which plug-ins run.

Precedence: explicit value → environment → default. Only the composition root builds it. Plug-ins (publishers,
video backends, voices, brains) own their settings (e.g. integrations/tiktok/settings.py: TIKTOK_*); an explicit
plug-in value given here (`Settings(TIKTOK_ACCESS_TOKEN=…)`) is kept aside, hidden from repr, and handed to the
plug-ins through `plugin_values()`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field documented so `cliffhanger --help` users know what to set."""

    model_config = SettingsConfigDict(env_file=None, extra="allow", populate_by_name=True)

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
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_BOT_TOKEN", description="xoxb- bot token; absent → local emulator."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET", description="Verifies Slack's signed requests."
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias="SLACK_APP_TOKEN", description="xapp- token; present → Socket Mode."
    )
    slack_client_id: str | None = Field(
        default=None,
        validation_alias="SLACK_CLIENT_ID",
        description="OAuth client id; with SLACK_CLIENT_SECRET → multi-workspace install (/slack/install).",
    )
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_CLIENT_SECRET", description="OAuth client secret (multi-workspace)."
    )
    slack_scopes: str = Field(
        default=("app_mentions:read,assistant:write,chat:write,commands,files:write,reactions:read,reactions:write,"
                 "channels:history,groups:history,im:history,users:read"),
        validation_alias="SLACK_SCOPES",
        description="Comma-separated bot scopes requested at OAuth install (keep in step with manifest.yml).",
    )
    slack_redirect_uri: str | None = Field(
        default=None,
        validation_alias="SLACK_REDIRECT_URI",
        description="OAuth redirect URL (https://host/slack/oauth_redirect); default: the one in the app config.",
    )
    slack_listener_threads: int = Field(
        default=8,
        validation_alias="SLACK_LISTENER_THREADS",
        description="Threads that run Slack listeners after the ack (turns in different threads run in parallel).",
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
    artifact_store_endpoint_url: str | None = Field(
        default=None,
        validation_alias="ARTIFACT_STORE_ENDPOINT_URL",
        description="S3 endpoint for a non-AWS bucket (MinIO, a local S3 stand-in); credentials come from the usual "
        "AWS_* environment / config chain.",
    )
    outbox_dir: Path | None = Field(
        default=None, validation_alias="CLIFFHANGER_OUTBOX", description="Outbox folder; default <home>/outbox."
    )
    # ---- publishing (issue 6): which publishers run, and what each factory in integrations/ reads ----------------
    publishers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["outbox"],
        validation_alias="CLIFFHANGER_PUBLISHERS",
        description="Comma-separated publisher names (outbox, tiktok, webhook, email, or an installed plug-in).",
    )
    @field_validator("publishers", mode="before")
    @classmethod
    def _split_publishers(cls, value: object) -> object:
        """'outbox, tiktok' → ['outbox', 'tiktok'] (an env var is one string)."""
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    escalate_after_hours: float = Field(
        default=24.0,
        validation_alias="CLIFFHANGER_ESCALATE_AFTER_HOURS",
        description="Mention the missing approvers in the thread when a review waits longer than this (never "
        "auto-approves).",
    )
    render_preset: str = Field(
        default="veryfast", validation_alias="CLIFFHANGER_RENDER_PRESET", description="libx264 preset for renders."
    )
    # ---- voice and video backends (issue 4) ---------------------------------------------------------------------
    voice: str = Field(
        default="auto", validation_alias="CLIFFHANGER_VOICE",
        description="auto (Gemini TTS when keyed, else piper, else espeak-ng, else silent), or one of gemini, "
        "piper, espeak, silent.",
    )
    video_backend: str = Field(
        default="animatic", validation_alias="CLIFFHANGER_VIDEO_BACKEND",
        description="Video backend by name: animatic (default: storyboarded drama, offline), local (captioned "
        "stills, the first renderer), generative (the paid final pass), heygen, or an installed plug-in.",
    )
    brain: str = Field(
        default="auto", validation_alias="CLIFFHANGER_BRAIN",
        description="auto (Gemini when GOOGLE_API_KEY is set, else offline), gemini, offline, or a plug-in.",
    )

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        """Explicit plug-in values may be secrets (a token): never shown."""
        extra = self.model_extra or {}
        for name, value in super().__repr_args__():
            yield name, ("**********" if name in extra and value is not None else value)

    def plugin_values(self) -> dict[str, Any]:
        """What every plug-in factory receives: the core fields by name, explicit plug-in values (keys in lower
        case, as their environment variable), and the effective outbox folder."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update({key.lower(): value for key, value in (self.model_extra or {}).items()})
        values["outbox_dir"] = self.effective_outbox_dir
        return values

    @property
    def slack_oauth_enabled(self) -> bool:
        """True when both OAuth credentials are set: install per workspace instead of one bot token."""
        return bool(self.slack_client_id and self.slack_client_secret)

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
