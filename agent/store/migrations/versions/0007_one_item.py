"""one reviewable item: campaign assets become renders of another kind; one gate, one publication ledger

Revision ID: 0007_one_item
Revises: 0006_publish

Why: campaign assets ran on a second copy of the episode pipeline (campaign_assets / _messages / _approvals /
_changes / _publications) that drifted from the first. Now an asset version is a `renders` row with a `kind`, its
votes are `approvals` / `change_requests`, the messages showing it are `review_messages` (one row per message and
item), and its publications are `publications` rows without a slot. Existing rows move over (asset ids are shifted
past the highest render id; publication keys are re-derived from the new ids); the twin tables are dropped.

SQLite: agent.store.db.migrate runs migrations with foreign keys off, because batch mode re-creates `renders` and
dropping a parent table with foreign keys on would cascade-delete every approval.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007_one_item"
down_revision = "0006_publish"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _table(name: str, *columns: tuple[str, sa.types.TypeEngine]) -> sa.TableClause:
    return sa.table(name, *(sa.column(col, kind) for col, kind in columns))


ASSETS = _table("campaign_assets", ("id", sa.Integer()), ("episode_id", sa.Integer()), ("render_id", sa.Integer()),
                ("kind", sa.String()), ("version", sa.Integer()), ("status", sa.String()), ("inputs", sa.JSON()),
                ("files", sa.JSON()), ("text", sa.Text()), ("lint", sa.JSON()), ("meta", sa.JSON()),
                ("note", sa.Text()), ("error", sa.Text()), ("message_ts", sa.String()), ("lease_until", TZ),
                ("attempts", sa.Integer()), ("created_at", TZ), ("finished_at", TZ))
RENDERS = _table("renders", ("id", sa.Integer()), ("episode_id", sa.Integer()), ("kind", sa.String()),
                 ("version", sa.Integer()), ("source_render_id", sa.Integer()), ("input_hash", sa.String()),
                 ("status", sa.String()), ("inputs", sa.JSON()), ("files", sa.JSON()), ("text", sa.Text()),
                 ("lint", sa.JSON()), ("meta", sa.JSON()), ("note", sa.Text()), ("error", sa.Text()),
                 ("card_ts", sa.String()), ("lease_until", TZ), ("attempts", sa.Integer()), ("created_at", TZ),
                 ("finished_at", TZ))
APPROVALS = _table("approvals", ("render_id", sa.Integer()), ("user_id", sa.String()), ("via", sa.String()),
                   ("created_at", TZ), ("withdrawn_at", TZ))
CAMPAIGN_APPROVALS = _table("campaign_approvals", ("asset_id", sa.Integer()), ("user_id", sa.String()),
                            ("via", sa.String()), ("created_at", TZ), ("withdrawn_at", TZ))
CHANGES = _table("change_requests", ("render_id", sa.Integer()), ("user_id", sa.String()), ("note", sa.Text()),
                 ("scope", sa.String()), ("created_at", TZ), ("resolved_at", TZ))
CAMPAIGN_CHANGES = _table("campaign_changes", ("asset_id", sa.Integer()), ("user_id", sa.String()),
                          ("note", sa.Text()), ("created_at", TZ), ("resolved_at", TZ))
MESSAGES = _table("review_messages", ("render_id", sa.Integer()), ("channel_id", sa.String()),
                  ("message_ts", sa.String()), ("thread_ts", sa.String()), ("kind", sa.String()),
                  ("posted_at", TZ))
CAMPAIGN_MESSAGES = _table("campaign_messages", ("channel_id", sa.String()), ("message_ts", sa.String()),
                           ("thread_ts", sa.String()), ("asset_ids", sa.JSON()), ("created_at", TZ))
PUBLICATIONS = _table("publications", ("slot_id", sa.Integer()), ("render_id", sa.Integer()),
                      ("publisher", sa.String()), ("idempotency_key", sa.String()), ("status", sa.String()),
                      ("external_id", sa.String()), ("location", sa.String()), ("attempts", sa.Integer()),
                      ("error", sa.Text()), ("publish_at", TZ), ("created_at", TZ), ("published_at", TZ),
                      ("lease_until", TZ))
CAMPAIGN_PUBLICATIONS = _table("campaign_publications", ("asset_id", sa.Integer()), ("publisher", sa.String()),
                               ("status", sa.String()), ("publish_at", TZ), ("external_id", sa.String()),
                               ("location", sa.String()), ("attempts", sa.Integer()), ("error", sa.Text()),
                               ("claimed_at", TZ), ("published_at", TZ))
MAX_ATTEMPTS, LEASE = 3, timedelta(minutes=10)


def _unify_renders(bind: sa.engine.Connection) -> None:
    """renders gets kind, version and the asset columns; existing cuts are numbered per episode."""
    with op.batch_alter_table("renders") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="episode"))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("source_render_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("inputs", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("files", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("lint", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("meta", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("card_ts", sa.String(length=80), nullable=True))
        batch.alter_column("script_version_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("look_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key("fk_renders_source_render_id", "renders", ["source_render_id"], ["id"],
                                 ondelete="CASCADE")
        batch.create_index("ix_renders_episode_id", ["episode_id"], unique=False)
    rows = bind.execute(sa.select(RENDERS.c.id, RENDERS.c.episode_id).order_by(RENDERS.c.id)).all()
    numbered: dict[int, int] = {}
    for render_id, episode_id in rows:
        numbered[episode_id] = numbered.get(episode_id, 0) + 1
        bind.execute(RENDERS.update().where(RENDERS.c.id == render_id).values(version=numbered[episode_id]))
    posted = sa.select(MESSAGES.c.message_ts).where(MESSAGES.c.render_id == RENDERS.c.id).limit(1).scalar_subquery()
    bind.execute(RENDERS.update().values(card_ts=posted))
    with op.batch_alter_table("renders") as batch:
        batch.alter_column("version", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_renders_episode_id_kind_version", ["episode_id", "kind", "version"])


def _unify_messages(bind: sa.engine.Connection) -> None:
    """review_messages: one row per (message, item), so the (channel, ts) uniqueness widens to include the item."""
    if bind.dialect.name == "postgresql":
        op.drop_constraint("review_messages_channel_id_message_ts_key", "review_messages", type_="unique")
        op.add_column("review_messages", sa.Column("posted_at", TZ, nullable=True))
        op.create_unique_constraint("uq_review_messages_channel_id_message_ts_render_id", "review_messages",
                                    ["channel_id", "message_ts", "render_id"])
    else:  # SQLite: the old constraint has no name; re-create the table from this definition instead
        old = sa.Table("review_messages", sa.MetaData(),
                       sa.Column("id", sa.Integer(), primary_key=True),
                       sa.Column("render_id", sa.Integer(), sa.ForeignKey("renders.id", ondelete="CASCADE"),
                                 nullable=False),
                       sa.Column("channel_id", sa.String(length=40), nullable=False),
                       sa.Column("message_ts", sa.String(length=40), nullable=False),
                       sa.Column("thread_ts", sa.String(length=40), nullable=False),
                       sa.Column("kind", sa.String(length=20), nullable=False),
                       sa.Index("ix_review_messages_render_id", "render_id"))
        with op.batch_alter_table("review_messages", copy_from=old, recreate="always") as batch:
            batch.add_column(sa.Column("posted_at", TZ, nullable=True))
            batch.create_unique_constraint("uq_review_messages_channel_id_message_ts_render_id",
                                           ["channel_id", "message_ts", "render_id"])
    finished = sa.select(sa.func.coalesce(RENDERS.c.finished_at, RENDERS.c.created_at)).where(
        RENDERS.c.id == MESSAGES.c.render_id).scalar_subquery()
    bind.execute(MESSAGES.update().values(posted_at=finished))


def _unify_publications() -> None:
    """publications serve slot-less items too, and remember when an item was due."""
    with op.batch_alter_table("publications") as batch:
        batch.alter_column("slot_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("publish_at", TZ, nullable=True))
        batch.create_index("ix_publications_render_id", ["render_id"], unique=False)


def _move_campaign(bind: sa.engine.Connection) -> None:
    """Copy every campaign row into the unified tables (asset id + offset = its render id)."""
    offset = bind.scalar(sa.select(sa.func.coalesce(sa.func.max(RENDERS.c.id), 0))) or 0
    now = datetime.now(UTC)
    kinds: dict[int, str] = {}
    for a in bind.execute(sa.select(ASSETS).order_by(ASSETS.c.id)).mappings():
        kinds[a["id"]] = a["kind"]
        bind.execute(RENDERS.insert().values(
            id=a["id"] + offset, episode_id=a["episode_id"], kind=a["kind"], version=a["version"],
            source_render_id=a["render_id"], input_hash="", status=a["status"], inputs=a["inputs"] or {},
            files=a["files"] or [], text=a["text"] or "", lint=a["lint"] or {}, meta=a["meta"] or {},
            note=a["note"] or "", error=a["error"], card_ts=a["message_ts"], lease_until=a["lease_until"],
            attempts=a["attempts"], created_at=a["created_at"], finished_at=a["finished_at"]))
    for row in bind.execute(sa.select(CAMPAIGN_APPROVALS)).mappings():
        bind.execute(APPROVALS.insert().values(render_id=row["asset_id"] + offset, user_id=row["user_id"],
                                               via=row["via"], created_at=row["created_at"],
                                               withdrawn_at=row["withdrawn_at"]))
    for row in bind.execute(sa.select(CAMPAIGN_CHANGES)).mappings():
        bind.execute(CHANGES.insert().values(render_id=row["asset_id"] + offset, user_id=row["user_id"],
                                             note=row["note"], scope="asset", created_at=row["created_at"],
                                             resolved_at=row["resolved_at"]))
    for row in bind.execute(sa.select(CAMPAIGN_MESSAGES)).mappings():
        for asset_id in dict.fromkeys(row["asset_ids"] or []):
            if asset_id in kinds:
                bind.execute(MESSAGES.insert().values(
                    render_id=asset_id + offset, channel_id=row["channel_id"], message_ts=row["message_ts"],
                    thread_ts=row["thread_ts"], kind=kinds[asset_id], posted_at=row["created_at"]))
    for row in bind.execute(sa.select(CAMPAIGN_PUBLICATIONS)).mappings():
        status = row["status"]
        if status == "FAILED" and row["attempts"] >= MAX_ATTEMPTS:
            status = "GAVE_UP"  # the old ledger left these FAILED forever; the one ledger has a state for it
        claimed = row["claimed_at"]
        bind.execute(PUBLICATIONS.insert().values(
            slot_id=None, render_id=row["asset_id"] + offset, publisher=row["publisher"],
            idempotency_key=f"campaign{row['asset_id'] + offset}:{row['publisher']}", status=status,
            external_id=row["external_id"], location=row["location"], attempts=row["attempts"],
            error=row["error"], publish_at=row["publish_at"], created_at=claimed or row["published_at"] or now,
            published_at=row["published_at"],
            lease_until=(claimed + LEASE) if claimed is not None and status == "IN_PROGRESS" else None))
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('renders', 'id'), "
                             "COALESCE((SELECT MAX(id) FROM renders), 0) + 1, false)")


def upgrade() -> None:
    """Unify the tables, move the campaign's rows, drop the twins."""
    bind = op.get_bind()
    _unify_renders(bind)
    _unify_messages(bind)
    with op.batch_alter_table("review_messages") as batch:
        batch.alter_column("posted_at", existing_type=TZ, nullable=False)
    _unify_publications()
    _move_campaign(bind)
    for table in ("campaign_publications", "campaign_changes", "campaign_approvals", "campaign_messages",
                  "campaign_assets"):
        op.drop_table(table)


def downgrade() -> None:
    """One way only: the twin tables are gone on purpose (nothing was deployed with them)."""
    raise NotImplementedError("0007_one_item cannot be downgraded; restore a backup taken before it instead")
