"""post metrics: each published post's figures, one row per pull

Revision ID: 0009_post_metrics
Revises: 0008_spend

Why (issue 15): the thread learns how an episode did — views, likes, comments, shares and watch time per platform —
so "how are we doing?" can answer with the season's funnel.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_post_metrics"
down_revision = "0008_spend"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One new table; nothing existing changes."""
    op.create_table(
        "post_metrics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("publication_id", sa.Integer(), sa.ForeignKey("publications.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Integer(), nullable=True),
        sa.Column("shares", sa.Integer(), nullable=True),
        sa.Column("avg_watch_s", sa.Double(), nullable=True),
        sa.Column("completion_rate", sa.Double(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
    )
    op.create_index("ix_post_metrics_publication_id", "post_metrics", ["publication_id"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_post_metrics_publication_id", table_name="post_metrics")
    op.drop_table("post_metrics")
