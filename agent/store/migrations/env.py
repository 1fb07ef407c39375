"""Alembic environment: runs on the connection handed in by agent.store.db.migrate (or a URL for the CLI)."""

from alembic import context
from sqlalchemy import create_engine

from agent.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Online migrations only: we always have a connection."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()


run_migrations()
