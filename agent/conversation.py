"""Run one marketer message through the season graph, one message per thread at a time.

The LangGraph thread id is the Slack thread key, so the conversation survives restarts through the checkpointer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from contextlib import AbstractContextManager, ExitStack

from langgraph.types import Command

from agent.context import AppContext, TurnContext
from agent.graph.graph import build_graph
from agent.ports import ThreadRef
from agent.services import seasons

log = logging.getLogger(__name__)


def open_checkpointer(database_url: str | None, sqlite_path: str, stack: ExitStack):  # type: ignore[no-untyped-def]
    """SQLite checkpointer by default; PostgresSaver when the database is PostgreSQL."""
    if database_url and database_url.split("+", 1)[0].split(":", 1)[0] in ("postgresql", "postgres"):
        from langgraph.checkpoint.postgres import PostgresSaver

        dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
        saver = stack.enter_context(PostgresSaver.from_conn_string(dsn))
        saver.setup()
        return saver
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(sqlite_path, check_same_thread=False)
    stack.callback(conn.close)
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


class Conversation(AbstractContextManager["Conversation"]):
    """Feeds messages into the graph; owns the checkpointer connection."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self._stack = ExitStack()
        self.checkpointer = open_checkpointer(
            app.settings.database_url, str(app.settings.checkpoint_path), self._stack
        )
        self.graph = build_graph(self.checkpointer)
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[key]

    def handle(self, *, team_id: str, channel_id: str, thread_ts: str, user_id: str, text: str) -> int:
        """Process one message in a season thread; returns the season id."""
        key = seasons.thread_key(team_id, channel_id, thread_ts)
        with self._lock_for(key):
            with self.app.store.session() as session:
                season = seasons.get_or_create_season(
                    session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts, created_by=user_id
                )
                season_id = season.id
            context = TurnContext(app=self.app, thread=ThreadRef(channel_id=channel_id, thread_ts=thread_ts),
                                  user_id=user_id, team_id=team_id)
            config = {"configurable": {"thread_id": key}}
            if not self.graph.get_state(config).next:
                self.graph.invoke({"season_id": season_id, "stage": "brief"}, config, context=context)
            self.graph.invoke(Command(resume=text), config, context=context)
            return season_id

    def stage(self, key: str) -> str | None:
        """The stage the thread's conversation is waiting in."""
        state = self.graph.get_state({"configurable": {"thread_id": key}})
        return state.values.get("stage") if state.values else None
