"""season's product image: the pack shot the marketer attached in the thread

Revision ID: 0011_product_image
Revises: 0010_final_directly

Why (issue 13 §4): a product image attached in the thread ("here's our product") is validated, put into the
artifact store, and shown in every product moment from then on; the season keeps the store's reference. Without
one (NULL) the renderer draws a pack shot from the brief and the palette.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_product_image"
down_revision = "0010_final_directly"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One nullable column on seasons; existing seasons keep the drawn pack shot."""
    with op.batch_alter_table("seasons") as batch:
        batch.add_column(sa.Column("product_image", sa.String(500), nullable=True))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("seasons") as batch:
        batch.drop_column("product_image")
