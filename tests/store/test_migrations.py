"""The migrations are one linear chain whose head is exactly the models, on SQLite and on PostgreSQL; 0007 moves
campaign rows into the unified tables without losing any."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from agent.store.db import MIGRATIONS_DIR, make_engine, migrate
from agent.store.models import Base

SLACK_SDK_TABLES = {"slack_bots", "slack_installations", "slack_oauth_states"}  # slack_sdk's stores, not our models
TWIN_TABLES = {"campaign_assets", "campaign_messages", "campaign_approvals", "campaign_changes",
               "campaign_publications"}


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "table" and name in SLACK_SDK_TABLES) and not (
        type_ == "index" and getattr(getattr(obj, "table", None), "name", None) in SLACK_SDK_TABLES)


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _ours, "compare_type": True})
        return compare_metadata(context, Base.metadata)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def test_one_linear_chain() -> None:
    script = ScriptDirectory.from_config(_config())
    assert len(script.get_heads()) == 1, script.get_heads()
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    assert all(not isinstance(r.down_revision, tuple) for r in revisions), "a merge point means a branch existed"
    assert [r.revision for r in revisions][-7:] == ["0007_one_item", "0006_publish", "0005_slack", "0004_review",
                                                    "0003_conversation", "0002_campaign", "0001"]


def test_blank_sqlite_database_migrates_to_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
    migrate(engine)
    assert _differences(engine) == []
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables) | SLACK_SDK_TABLES
    assert not tables & TWIN_TABLES


@pytest.mark.postgres
def test_blank_postgres_database_migrates_to_exactly_the_models(pg_url: str) -> None:
    engine = make_engine(pg_url)
    migrate(engine)
    assert _differences(engine) == []
    assert not set(inspect(engine).get_table_names()) & TWIN_TABLES


def _seed_0006(engine: Engine) -> None:
    """A season at 0006 with an approved episode cut, a posted two-asset campaign message, votes and a ledger."""
    at = datetime(2026, 11, 30, 12, tzinfo=UTC).isoformat()
    statements = [
        ("INSERT INTO seasons (id, thread_key, team_id, channel_id, thread_ts, title, status, quorum, created_by, "
        f"created_at) VALUES (1, 'T:C:1', 'T', 'C', '1.0', 'S', 'REVIEW', 1, 'U1', '{at}')"),
        "INSERT INTO episodes (id, season_id, number, title, status) VALUES (1, 1, 1, 'One', 'APPROVED')",
        f"INSERT INTO looks (id, season_id, version, spec, content_hash, locked_at) VALUES (1, 1, 1, '{{}}', 'h', '{at}')",
        ("INSERT INTO script_versions (id, episode_id, version, script, note, created_at) "
        f"VALUES (1, 1, 1, '{{}}', '', '{at}')"),
        *[f"INSERT INTO renders (id, episode_id, script_version_id, look_id, input_hash, status, attempts, created_at) "
          f"VALUES ({i}, 1, 1, 1, 'x{i}', 'DONE', 1, '{at}')" for i in (1, 2)],
        ("INSERT INTO review_messages (render_id, channel_id, message_ts, thread_ts, kind) "
        "VALUES (2, 'C', '2.0', '1.0', 'episode')"),
        f"INSERT INTO approvals (render_id, user_id, via, created_at) VALUES (2, 'U1', 'reaction', '{at}')",
        *[("INSERT INTO campaign_assets (id, episode_id, render_id, kind, version, status, inputs, files, text, lint, "
           f"meta, note, message_ts, attempts, created_at) VALUES ({i}, 1, 2, '{k}', 1, 'DONE', '{{\"day\": \"Tue\"}}', "
           f"'[\"a{i}.png\"]', 'copy {i}', '{{}}', '{{}}', '', '3.0', 1, '{at}')") for i, k in ((1, 'quote'),
                                                                                          (2, 'teaser'))],
        ("INSERT INTO campaign_messages (id, season_id, episode_id, channel_id, message_ts, thread_ts, asset_ids, "
        f"created_at) VALUES (1, 1, 1, 'C', '3.0', '1.0', '[1, 2]', '{at}')"),
        f"INSERT INTO campaign_approvals (asset_id, user_id, via, created_at) VALUES (1, 'U1', 'reaction', '{at}')",
        (f"INSERT INTO campaign_changes (asset_id, user_id, note, created_at, resolved_at) VALUES (2, 'U1', 'redo', "
        f"'{at}', '{at}')"),
        ("INSERT INTO campaign_publications (asset_id, publisher, idempotency_key, status, attempts, error, claimed_at) "
        f"VALUES (2, 'outbox', 'campaign2:outbox', 'FAILED', 3, 'boom', '{at}')"),
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _upgrade_with_campaign_data(engine: Engine) -> None:
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_publish")
    _seed_0006(engine)
    migrate(engine)


def _assert_moved(engine: Engine) -> None:
    with engine.connect() as c:
        renders = c.execute(text("SELECT id, kind, version, source_render_id, text, card_ts FROM renders "
                                 "ORDER BY id")).all()
        assert [(r.kind, r.version) for r in renders] == [("episode", 1), ("episode", 2), ("quote", 1),
                                                          ("teaser", 1)]
        quote, _teaser = renders[2], renders[3]
        assert (quote.id, quote.source_render_id, quote.text, quote.card_ts) == (3, 2, "copy 1", "3.0")
        assert renders[1].card_ts == "2.0"  # the posted cut knows its card
        shown = c.execute(text("SELECT render_id, kind FROM review_messages WHERE message_ts = '3.0' "
                               "ORDER BY render_id")).all()
        assert [tuple(r) for r in shown] == [(3, "quote"), (4, "teaser")]  # one row per (message, item)
        assert c.execute(text("SELECT render_id FROM approvals ORDER BY render_id")).scalars().all() == [2, 3]
        assert c.execute(text("SELECT render_id, scope FROM change_requests")).all() == [(4, "asset")]
        pub = c.execute(text("SELECT slot_id, render_id, status, idempotency_key FROM publications")).one()
        assert tuple(pub) == (None, 4, "GAVE_UP", "campaign4:outbox")  # three failed attempts had given up
    assert _differences(engine) == []


def test_0007_moves_campaign_rows_into_the_unified_tables_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade_with_campaign_data(engine)
    _assert_moved(engine)


@pytest.mark.postgres
def test_0007_moves_campaign_rows_into_the_unified_tables_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    _upgrade_with_campaign_data(engine)
    _assert_moved(engine)
    with engine.begin() as c:  # the id sequence continues past the moved assets
        new_id = c.execute(text("INSERT INTO renders (episode_id, kind, version, input_hash, status, inputs, files, "
                                "text, lint, meta, note, attempts, created_at) VALUES (1, 'episode', 3, '', 'QUEUED', "
                                "'{}', '[]', '', '{}', '{}', '', 0, now()) RETURNING id")).scalar()
    assert new_id == 5
