"""conversation: arc versions (undo and diff of the season arc)

Revision ID: 0003_conversation
Revises: 0002_campaign
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_conversation"
down_revision = "0002_campaign"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add arc_versions."""
    op.create_table(
        "arc_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("arc", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("season_id", "version"),
    )
    with op.batch_alter_table("arc_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_arc_versions_season_id"), ["season_id"], unique=False)


def downgrade() -> None:
    """Drop arc_versions."""
    with op.batch_alter_table("arc_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_arc_versions_season_id"))
    op.drop_table("arc_versions")
