"""Persistence: SQLAlchemy models, engine/session set-up and migrations. The database is the source of truth."""
