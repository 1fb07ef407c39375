"""The checkpointer: SQLite by default, PostgresSaver on PostgreSQL with its tables in the URL's schema."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest

from agent.conversation import is_postgres, open_checkpointer, plain_dsn
from agent.settings import Settings
from tests.conftest import PG_DSN
from tests.scenarios.conftest import FULL_BRIEF
from tests.scenarios.harness import Marketer


def test_plain_dsn_drops_the_driver_and_reads_the_schema() -> None:
    dsn, schema = plain_dsn("postgresql+psycopg://u:p@h:5432/db?options=-csearch_path%3Dt_abc")
    assert dsn.startswith("postgresql://u:p@h:5432/db?") and "search_path" in dsn
    assert schema == "t_abc"
    assert plain_dsn("postgres://h/db") == ("postgresql://h/db", None)
    assert is_postgres("postgresql+psycopg://h/db") and is_postgres("postgres://h/db")
    assert not is_postgres("sqlite:///x.db") and not is_postgres(None)


def test_sqlite_checkpointer_by_default(tmp_path: Path) -> None:
    with ExitStack() as stack:
        saver = open_checkpointer(None, str(tmp_path / "cp.sqlite"), stack)
        assert type(saver).__name__ == "SqliteSaver"
    assert (tmp_path / "cp.sqlite").exists()


@pytest.mark.postgres
def test_postgres_checkpointer_lands_in_the_schema_and_survives_restart(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", DATABASE_URL=pg_url, GOOGLE_API_KEY=None,
                        SLACK_BOT_TOKEN=None, REDIS_URL=None)
    marketer = Marketer(tmp_path / "home", settings=settings)
    try:
        assert type(marketer.conversation.checkpointer).__name__ == "PostgresSaver"
        assert "to cast the lead" in marketer.say(FULL_BRIEF)
        marketer.restart()
        assert "Ep 4 revised" in marketer.say("make episode 4 darker")
        assert marketer.stage() == "arc"
    finally:
        marketer.close()
    _dsn, schema = plain_dsn(pg_url)
    with psycopg.connect(PG_DSN) as conn:
        tables = {row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))}
        rows = conn.execute(f'SELECT count(*) FROM "{schema}".checkpoints WHERE thread_id LIKE %s',
                            ("T1:C1:%",)).fetchone()
    assert {"checkpoints", "checkpoint_writes", "arc_versions", "seasons"} <= tables
    assert rows is not None and rows[0] > 0  # this conversation's checkpoints are in the test's schema
    assert not (tmp_path / "home" / "checkpoints.sqlite").exists()
