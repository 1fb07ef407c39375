"""publishing ledger: publication lease/state/backoff, slot confirm mode

Revision ID: 0006_publish
Revises: 0005_slack

Why: the TikTok publish_id must survive a crash in the database (not a local file a second worker cannot see), the
claim lease gets its own column instead of borrowing published_at, transient failures wait (next_attempt_at), and a
slot in confirm mode records who confirmed it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_publish"
down_revision = "0005_slack"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns (all nullable or defaulted, so existing rows stay valid)."""
    with op.batch_alter_table("publications") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("external_state", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("slots") as batch:
        batch.add_column(sa.Column("mode", sa.String(length=12), nullable=False, server_default="autopilot"))
        batch.add_column(sa.Column("confirmed_by", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("slots") as batch:
        batch.drop_column("confirmed_at")
        batch.drop_column("confirmed_by")
        batch.drop_column("mode")
    with op.batch_alter_table("publications") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("external_state")
        batch.drop_column("lease_until")
