"""SQLAlchemy 2.0 typed models for the domain (DESIGN.md §3).

JSON columns hold validated pydantic payloads (brief, scripts, look specs); everything that is queried, locked or
counted (status, approvals, slots, publications, events) is a real column with real constraints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now; every stored time is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset; we put UTC back on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes only (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for all models."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


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
    # issue 14: the paid final render may be asked for without an approved animatic first (migration 0010)
    final_directly: Mapped[bool] = mapped_column(Boolean, default=False)
    # issue 13 §4: the artifact reference of the product image attached in the thread (migration 0011); None → drawn
    product_image: Mapped[str | None] = mapped_column(String(500), nullable=True)

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
    renders: Mapped[list[Render]] = relationship(  # the episode's own cuts only (kind "episode")
        primaryjoin="and_(Episode.id == Render.episode_id, Render.kind == 'episode')",
        back_populates="episode", cascade="all, delete-orphan", order_by="Render.id",
    )
    assets: Mapped[list[Render]] = relationship(  # its campaign assets, every version (the database cascades)
        primaryjoin="and_(Episode.id == Render.episode_id, Render.kind != 'episode')",
        viewonly=True, order_by="Render.id",
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


EPISODE = "episode"  # Render.kind of an episode cut; campaign kinds are in tools/campaign/asset.py


class Render(Base):
    """A render is any produced, reviewable output — an episode cut or a campaign asset — in one version.

    Every kind shares one job state machine (QUEUED → RUNNING under a lease → DONE / FLAGGED / FAILED, claimed by a
    conditional UPDATE), one approval gate (approvals, change requests, review messages) and one publication
    ledger. An episode cut comes from (script version × look version × lead lock); a campaign asset comes from an
    approved cut (`source_render_id`) and keeps its inputs, files, copy and lint findings here.
    """

    __tablename__ = "renders"
    __table_args__ = (UniqueConstraint("episode_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=EPISODE)
    version: Mapped[int] = mapped_column(Integer)  # per (episode, kind); assigned at flush when left empty
    script_version_id: Mapped[int | None] = mapped_column(ForeignKey("script_versions.id"), nullable=True)
    look_id: Mapped[int | None] = mapped_column(ForeignKey("looks.id"), nullable=True)
    source_render_id: Mapped[int | None] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"),
                                                         nullable=True)  # the episode cut an asset was made from
    input_hash: Mapped[str] = mapped_column(String(64), index=True, default="")
    status: Mapped[str] = mapped_column(String(20), default="QUEUED")
    video_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cover_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    teaser_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    duration_s: Mapped[float | None] = mapped_column(nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # an asset's generation inputs
    files: Mapped[list[str]] = mapped_column(JSON, default=list)  # an asset's artifact references
    text: Mapped[str] = mapped_column(Text, default="")  # an asset's copy
    lint: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # banned words found / remaining
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")  # why this version exists
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # redacted (agent.redaction) before storing
    card_ts: Mapped[str | None] = mapped_column(String(80), nullable=True)  # posting claim, then the card's ts
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)

    episode: Mapped[Episode] = relationship(back_populates="renders")
    approvals: Mapped[list[Approval]] = relationship(back_populates="render", cascade="all, delete-orphan")

    @property
    def is_episode(self) -> bool:
        """An episode cut (as opposed to a campaign asset)."""
        return self.kind == EPISODE


@event.listens_for(Session, "before_flush")
def _number_versions(session: Session, _context: Any, _instances: Any) -> None:
    """Give new renders without a version the next one of their (episode, kind): re-renders never collide."""
    taken: dict[tuple[int | None, str], int] = {}
    for obj in session.new:
        if not isinstance(obj, Render) or obj.version is not None:
            continue
        kind = obj.kind or EPISODE
        obj.kind = kind
        episode_id = obj.episode_id if obj.episode_id is not None else (obj.episode.id if obj.episode else None)
        key = (episode_id, kind)
        if key not in taken:
            newest = None if episode_id is None else session.scalar(
                select(func.max(Render.version)).where(Render.episode_id == episode_id, Render.kind == kind)
                .execution_options(autoflush=False))
            pending = [o.version for o in session.new if isinstance(o, Render) and o.version is not None
                       and (o.episode_id == episode_id or (o.episode is not None and o.episode.id == episode_id))
                       and (o.kind or EPISODE) == kind]
            taken[key] = max([newest or 0, *pending])
        taken[key] += 1
        obj.version = taken[key]


class ReviewMessage(Base):
    """One reviewable item shown in one posted message (channel, ts); reactions carry no thread_ts, so this maps
    them back. A message showing five campaign assets is five rows, and a :+1: on it votes on each.

    Its existence is also the proof that the item's card really is in the thread: approvals count only then.
    """

    __tablename__ = "review_messages"
    __table_args__ = (UniqueConstraint("channel_id", "message_ts", "render_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(40))
    message_ts: Mapped[str] = mapped_column(String(40))
    thread_ts: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default=EPISODE)  # the item's kind (copied: cards are per kind)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)


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

    # ---- issue 6 (cadence scheduling & exactly-once publishing): confirm mode, migration 0006_publish ----
    mode: Mapped[str] = mapped_column(String(12), default="autopilot")  # autopilot | confirm
    confirmed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the approver who said "publish"
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Publication(Base):
    """One publication of one item by one publisher — an episode's (slot, publisher), or a campaign asset version's
    (render, publisher) with no slot. The idempotency key makes every later sweep a no-op; tools/publish_ledger.py
    is the one state machine over these rows."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), nullable=True)
    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id"), index=True)
    publisher: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    location: Mapped[str | None] = mapped_column(String(500), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # redacted before storing
    publish_at: Mapped[datetime | None] = mapped_column(nullable=True)  # when it was due (assets: release + offset)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)

    # ---- issue 6 (exactly-once publishing): the ledger's lease, publisher progress and backoff, 0006_publish ----
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)  # IN_PROGRESS past this = crashed worker
    external_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # e.g. TikTok publish_id
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)  # backoff after a transient failure


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


# ---- conversation (issue 3: the showrunner conversation) ------------------------------------------------------


class ArcVersion(Base):
    """One saved version of a season's whole arc, so revisions can be undone and diffed ("diff v1 v2")."""

    __tablename__ = "arc_versions"
    __table_args__ = (UniqueConstraint("season_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    arc: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- review gate (issue 5: escalation, batch approval) — migration 0004_review -----------------------------------


class ReviewEscalation(Base):
    """One escalation of one render's overdue review; its presence makes `escalate_overdue` idempotent."""

    __tablename__ = "review_escalations"

    render_id: Mapped[int] = mapped_column(ForeignKey("renders.id", ondelete="CASCADE"), primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    mentioned: Mapped[list[str]] = mapped_column(JSON, default=list)
    escalated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BatchApproval(Base):
    """"approve 4–6" waiting for its explicit confirmation; confirmed or cancelled exactly once."""

    __tablename__ = "batch_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(40))
    episodes: Mapped[list[int]] = mapped_column(JSON, default=list)
    render_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="PENDING")  # PENDING | CONFIRMED | CANCELLED
    message_ts: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)


# ─── Surround-sound campaign (issue 7) ──────────────────────────────────────────────────────────────────────────
# Campaign assets are renders of another kind (teaser, carousel, quote, writeup, bts); only the timing plan is theirs.


class CampaignPlan(Base):
    """When each asset kind goes out relative to its episode's release (hours; negative = before)."""

    __tablename__ = "campaign_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), unique=True)
    offsets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# ─── Spend gate for paid generation (issue 14) ────────────────────────────────────────────────────────────────────
# No paid generation starts without an APPROVED estimate here (agent/services/spend.py); actual spend is recorded
# per render against the estimate it was approved under.


class SpendEstimate(Base):
    """An estimate for a paid render pass: calls × unit prices, a time, who asked and who decided."""

    __tablename__ = "spend_estimates"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    backend: Mapped[str] = mapped_column(String(40), default="generative")
    episodes: Mapped[list[int]] = mapped_column(JSON, default=list)  # episode numbers it pays for
    calls: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the breakdown (kind → count, unit, price)
    amount_usd: Mapped[float] = mapped_column(default=0.0)
    minutes: Mapped[float] = mapped_column(default=0.0)
    cap_usd: Mapped[float] = mapped_column(default=0.0)  # the season's cap when it was asked
    status: Mapped[str] = mapped_column(String(20), default="PENDING")  # PENDING | APPROVED | CANCELLED
    requested_by: Mapped[str] = mapped_column(String(40), default="")
    decided_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    message_ts: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the card that asks for it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)


class SpendRecord(Base):
    """Money actually spent: one row per paid call batch of one render, against its approved estimate."""

    __tablename__ = "spend_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("spend_estimates.id", ondelete="CASCADE"), index=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    episode_number: Mapped[int] = mapped_column(Integer)
    render_id: Mapped[int | None] = mapped_column(ForeignKey("renders.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # keyframe | veo | tts
    units: Mapped[float] = mapped_column(default=0.0)  # images, seconds of video, lines
    amount_usd: Mapped[float] = mapped_column(default=0.0)
    seconds: Mapped[float] = mapped_column(default=0.0)  # wall time the calls took (the measured rates)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostMetric(Base):
    """One reading of a published post's figures (issue 15): the metrics job adds a row per pull, so the thread can
    show the latest figures and how they grew. Absent figures stay NULL (not every platform reports every one)."""

    __tablename__ = "post_metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    views: Mapped[int | None] = mapped_column(Integer, nullable=True)
    likes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comments: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shares: Mapped[int | None] = mapped_column(Integer, nullable=True)
    avg_watch_s: Mapped[float | None] = mapped_column(nullable=True)
    completion_rate: Mapped[float | None] = mapped_column(nullable=True)  # 0–1, where the platform says
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # every figure as the platform named it
