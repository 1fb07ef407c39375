"""spend gate: estimates approved before paid generation, and the money actually spent

Revision ID: 0008_spend
Revises: 0007_one_item

Why (issue 14): a generative render calls paid APIs (Gemini images, Veo). Nothing may be spent without an estimate an
approver approved, recorded here; the actual spend is recorded per render so status can show it and the season's cap
holds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_spend"
down_revision = "0007_one_item"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two new tables; nothing existing changes."""
    op.create_table(
        "spend_estimates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("season_id", sa.Integer(), sa.ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("backend", sa.String(length=40), nullable=False, server_default="generative"),
        sa.Column("episodes", sa.JSON(), nullable=False),
        sa.Column("calls", sa.JSON(), nullable=False),
        sa.Column("amount_usd", sa.Double(), nullable=False, server_default="0"),
        sa.Column("minutes", sa.Double(), nullable=False, server_default="0"),
        sa.Column("cap_usd", sa.Double(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="PENDING"),
        sa.Column("requested_by", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_spend_estimates_season_id", "spend_estimates", ["season_id"])
    op.create_table(
        "spend_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estimate_id", sa.Integer(), sa.ForeignKey("spend_estimates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("season_id", sa.Integer(), sa.ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("episode_number", sa.Integer(), nullable=False),
        sa.Column("render_id", sa.Integer(), sa.ForeignKey("renders.id", ondelete="SET NULL"), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("units", sa.Double(), nullable=False, server_default="0"),
        sa.Column("amount_usd", sa.Double(), nullable=False, server_default="0"),
        sa.Column("seconds", sa.Double(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_spend_records_estimate_id", "spend_records", ["estimate_id"])
    op.create_index("ix_spend_records_season_id", "spend_records", ["season_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_spend_records_season_id", table_name="spend_records")
    op.drop_index("ix_spend_records_estimate_id", table_name="spend_records")
    op.drop_table("spend_records")
    op.drop_index("ix_spend_estimates_season_id", table_name="spend_estimates")
    op.drop_table("spend_estimates")
