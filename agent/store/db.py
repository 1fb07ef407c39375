"""Engine and session set-up, and migrations applied on start.

SQLite gets WAL and a busy timeout so the Bolt app, the worker threads and the CLI can share one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (the driver we ship)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file (a missing folder otherwise fails as "unable to open database file")."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """Create an engine tuned for its backend."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: no fsync per commit (only at checkpoints) — consistent after any crash, may lose the
            # last commits on power loss. Without it every commit holds the single writer lock through an fsync,
            # and Slack's ack path (the event_id insert) queues behind the turns' commits: p99 ack 600 ms → 210 ms
            # for 50 concurrent events on 2 cores (bench/slack_ack.py). PostgreSQL is the durable scale path.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Bring the schema to the (single) head with Alembic (idempotent; run at every start).

    On SQLite the migrations run with foreign keys off: batch mode re-creates a table by copy, drop and rename, and
    dropping a parent table with foreign keys on would cascade-delete its children (every approval of a render).
    `PRAGMA foreign_key_check` afterwards proves the data is still consistent.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


class Store:
    """The database handle handed to services: an engine and a session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Store:
        """Connect and migrate."""
        engine = make_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    @property
    def is_postgres(self) -> bool:
        """True when running on PostgreSQL (row locks available)."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
