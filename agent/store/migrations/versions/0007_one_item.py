"""one reviewable item: campaign assets become renders of another kind; one gate, one publication ledger

Revision ID: 0007_one_item
Revises: 0006_publish
"""

revision = "0007_one_item"
down_revision = "0006_publish"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in with the unification (issue 10); chained now so other revisions can follow it."""


def downgrade() -> None:
    """Nothing to undo yet."""
