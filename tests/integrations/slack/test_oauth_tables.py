"""Revision 0005_slack creates exactly the tables slack_sdk's SQLAlchemy OAuth stores read and write."""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from agent.store.db import Store


def test_migrated_tables_match_the_stores_schema(store: Store) -> None:
    expected = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(expected, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(expected, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(expected, "slack_oauth_states")
    inspector = sa.inspect(store.engine)
    for table in expected.sorted_tables:
        migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(migrated) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert migrated[column.name]["nullable"] == column.nullable, (table.name, column.name)
            assert migrated[column.name]["type"]._type_affinity is column.type._type_affinity, column.name
        assert {i["name"] for i in inspector.get_indexes(table.name)} == {i.name for i in table.indexes}


def test_stores_work_on_the_migrated_database(store: Store) -> None:
    installations = SQLAlchemyInstallationStore(client_id="1.2", engine=store.engine)
    installations.save(Installation(app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-t1", bot_id="B1",
                                    bot_user_id="UB1", bot_scopes="chat:write"))
    bot = installations.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-t1"
    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=store.engine)
    state = states.issue()
    assert states.consume(state) and not states.consume(state)
