"""review gate: escalations of overdue approvals, batch approvals awaiting confirmation

Revision ID: 0004_review
Revises: 0003_conversation
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003_conversation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_escalations",
        sa.Column("render_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("mentioned", sa.JSON(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["render_id"], ["renders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("render_id"),
    )
    with op.batch_alter_table("review_escalations") as batch_op:
        batch_op.create_index("ix_review_escalations_season_id", ["season_id"], unique=False)
    op.create_table(
        "batch_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("episodes", sa.JSON(), nullable=False),
        sa.Column("render_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("batch_approvals") as batch_op:
        batch_op.create_index("ix_batch_approvals_season_id", ["season_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("batch_approvals") as batch_op:
        batch_op.drop_index("ix_batch_approvals_season_id")
    op.drop_table("batch_approvals")
    with op.batch_alter_table("review_escalations") as batch_op:
        batch_op.drop_index("ix_review_escalations_season_id")
    op.drop_table("review_escalations")
