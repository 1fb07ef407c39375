"""season setting: the final (generative) render may run without an approved animatic first

Revision ID: 0010_final_directly
Revises: 0009_post_metrics

Why (issue 14): the animatic is the first pass and the thing to approve first; a season can opt out ("final
directly") so the paid final pass may be asked for as soon as the scripts are locked. The spend gate still applies.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_final_directly"
down_revision = "0009_post_metrics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One column on seasons; existing seasons keep the two passes."""
    with op.batch_alter_table("seasons") as batch:
        batch.add_column(sa.Column("final_directly", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("seasons") as batch:
        batch.drop_column("final_directly")
