"""Migration 0004_review on a blank database gives the tables the review gate relies on, matching the models."""

from __future__ import annotations

from sqlalchemy import inspect

from agent.store.db import Store
from agent.store.models import BatchApproval, ReviewEscalation


def test_blank_database_migrates_to_the_review_tables(store: Store) -> None:
    inspector = inspect(store.engine)
    for model in (ReviewEscalation, BatchApproval):
        table = model.__tablename__
        assert table in inspector.get_table_names()
        migrated = {c["name"] for c in inspector.get_columns(table)}
        assert migrated == {c.name for c in model.__table__.columns}, table
    assert inspector.get_pk_constraint("review_escalations")["constrained_columns"] == ["render_id"]
    with store.engine.connect() as connection:
        heads = {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}
    assert len(heads) == 1  # one linear chain: a single head
