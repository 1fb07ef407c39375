"""SQLAlchemy 2.0 typed models for the domain (DESIGN.md §3).

JSON columns hold validated pydantic payloads (brief, scripts, look specs); everything that is queried, locked or
counted (status, approvals, slots, publications, events) is a real column with real constraints.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now; every stored time is UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset; we put UTC back on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes only (UTC)")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base for all models."""

    type_annotation_map = {datetime: UTCDateTime}


class Season(Base):
    """One season = one Slack thread conversation."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_key: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    team_id: Mapped[str] = mapped_column(String(40), default="")
    channel_id: Mapped[str] = mapped_column(String(40), default="")
    thread_ts: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="Untitled season")
    status: Mapped[str] = mapped_column(String(20), default="ARC")
    brief: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    arc: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    cadence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    lead: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    quorum: Mapped[int] = mapped_column(Integer, default=1)
    progress_ts: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    approvers: Mapped[list[Approver]] = relationship(back_populates="season", cascade="all, delete-orphan")
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="season", cascade="all, delete-orphan", order_by="Episode.number"
    )


class Approver(Base):
    """Someone whose :+1: counts for a season (optionally with a sign-off role)."""

    __tablename__ = "approvers"
    __table_args__ = (UniqueConstraint("season_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(40))
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)

    season: Mapped[Season] = relationship(back_populates="approvers")


class PersonaBriefVersion(Base):
    """A version of the show bible (voice, vocabulary, banned words)."""

    __tablename__ = "persona_briefs"
    __table_args__ = (UniqueConstraint("season_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Persona(Base):
    """A member of the workspace's persona pool."""

    __tablename__ = "personas"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(40), default="", index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    portrait_path: Mapped[str] = mapped_column(String(500), default="")
    portrait_hash: Mapped[str] = mapped_column(String(64), default="")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    voice: Mapped[str] = mapped_column(String(60), default="none")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Look(Base):
    """An immutable, locked look version; renders reference it by id and content hash."""

    __tablename__ = "looks"
    __table_args__ = (UniqueConstraint("season_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    locked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Episode(Base):
    """One episode of a season; its scripts are versioned in ScriptVersion."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("season_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(24), default="SCRIPTED")

    season: Mapped[Season] = relationship(back_populates="episodes")
    scripts: Mapped[list[ScriptVersion]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="ScriptVersion.version"
    )
    renders: Mapped[list[Render]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="Render.id"
    )


class ScriptVersion(Base):
    """One version of an episode's script (EpisodeScript JSON)."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("episode_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    script: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    episode: Mapped[Episode] = relationship(back_populates="scripts")


class Render(Base):
    """A rendered file for (script version × look version × lead lock); approvals belong to one render."""

    __tablename__ = "renders"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    script_version_id: Mapped[int] = mapped_column(ForeignKey("script_versions.id"))
    look_id: Mapped[int] = mapped_column(ForeignKey("looks.id"))
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="QUEUED")
    video_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cover_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    teaser_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    duration_s: Mapped[float | None] = mapped_column(nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)

    episode: Mapped[Episode] = relationship(back_populates="renders")
    approvals: Mapped[list[Approval]] = relationship(back_populates="render", cascade="all, delete-orphan")


class ReviewMessage(Base):
    """Maps a posted approval message (channel, ts) back to its render and thread (reactions carry no thread_ts)."""

    __tablename__ = "review_messages"
    __table_args__ = (UniqueConstraint("channel_id", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(40))
    message_ts: Mapped[str] = mapped_column(String(40))
    thread_ts: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="episode")


class Approval(Base):
    """A recorded human approval of one render (via reaction or button). Withdrawn approvals keep their row."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("render_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)

    render: Mapped[Render] = relationship(back_populates="approvals")


class ChangeRequest(Base):
    """A request for changes on one render, with the reviewer's note."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(20), default="script")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Slot(Base):
    """A scheduled release of one episode on one platform."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("episode_id", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    publish_at: Mapped[datetime] = mapped_column(index=True)
    platform: Mapped[str] = mapped_column(String(40), default="tiktok")
    unlock: Mapped[str] = mapped_column(String(10), default="free")
    destination: Mapped[str] = mapped_column(String(20), default="drama_center")


class Publication(Base):
    """One (slot, publisher) publication; the idempotency key makes a second sweep a no-op."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id"))
    publisher: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    location: Mapped[str | None] = mapped_column(String(500), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)


class EventLog(Base):
    """Slack event ids already handled (dedupe across retries and double delivery)."""

    __tablename__ = "event_log"

    event_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who decided what, when, and how (approvals, withdrawals, change requests, publishes)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int | None] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), nullable=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
