"""Run one marketer message through the season graph, one message per thread at a time.

The LangGraph thread id is the Slack thread key, so the conversation survives restarts through the checkpointer
(SQLite file by default, PostgreSQL when the database is PostgreSQL).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from langgraph.types import Command

from agent.app.product import take_product_image
from agent.context import AppContext
from agent.graph.graph import build_graph
from agent.graph.state import Turn
from agent.ports import ThreadRef
from agent.services import seasons

log = logging.getLogger(__name__)
PG_SCHEMES = ("postgresql", "postgres")
MAX_MESSAGE_CHARS = 4000  # what one turn reads; longer messages are cut with a note (a 100 KB paste stays fast)


def is_postgres(database_url: str | None) -> bool:
    """postgresql://, postgres:// and postgresql+driver:// URLs."""
    return bool(database_url) and database_url.split("+", 1)[0].split(":", 1)[0] in PG_SCHEMES  # type: ignore[union-attr]


def plain_dsn(database_url: str) -> tuple[str, str | None]:
    """(libpq DSN, schema) from a SQLAlchemy URL: driver suffix dropped, `options=-csearch_path=…` read out.

    PostgresSaver connects with psycopg directly, which wants a plain `postgresql://` DSN. The search path is kept
    in the DSN (libpq applies it to the session) and also returned, so the saver's tables land in that schema.
    """
    parts = urlsplit(database_url)
    scheme = "postgresql"
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = None
    for key, value in query:
        if key == "options":
            for option in unquote(value).split():
                if option.startswith("-csearch_path="):
                    schema = option.split("=", 1)[1].split(",")[0].strip()
    dsn = urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    return dsn, schema


def open_checkpointer(database_url: str | None, sqlite_path: str, stack: ExitStack):  # type: ignore[no-untyped-def]
    """SQLite checkpointer by default; PostgresSaver (its tables in the URL's search_path schema) on PostgreSQL."""
    if is_postgres(database_url):
        from langgraph.checkpoint.postgres import PostgresSaver

        dsn, schema = plain_dsn(database_url or "")
        saver = stack.enter_context(PostgresSaver.from_conn_string(dsn))
        if schema:  # belt and braces: a pooler may drop startup options
            saver.conn.execute(f'SET search_path TO "{schema}"')
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
        """Open the checkpointer (closed with the Conversation) and compile the graph."""
        self.app = app
        self._stack = ExitStack()
        self.checkpointer = open_checkpointer(
            app.settings.database_url, str(app.settings.checkpoint_path), self._stack
        )
        self.graph = build_graph(self.checkpointer)
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def __exit__(self, *exc: object) -> None:
        """Close the checkpointer connection."""
        self._stack.close()

    def close(self) -> None:
        """Same as leaving the context (for callers that hold a Conversation without `with`)."""
        self._stack.close()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[key]

    def handle(self, *, team_id: str, channel_id: str, thread_ts: str, user_id: str, text: str,
               files: Sequence[Path] = ()) -> int:
        """Process one message (with any attached files, already on local disk) in a season thread.

        Returns the season id.
        """
        key = seasons.thread_key(team_id, channel_id, thread_ts)
        with self._lock_for(key):
            with self.app.store.session() as session:
                season = seasons.get_or_create_season(
                    session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts, created_by=user_id
                )
                season_id = season.id
            thread = ThreadRef(channel_id=channel_id, thread_ts=thread_ts)
            kept, answered = take_product_image(self.app, season_id=season_id, thread=thread, user_id=user_id,
                                                text=text, files=[Path(f) for f in files])  # issue 13 §4
            if answered:
                return season_id
            context = Turn(app=self.app, thread=thread, user_id=user_id, team_id=team_id, files=kept)
            config = {"configurable": {"thread_id": key}}
            if len(text) > MAX_MESSAGE_CHARS:  # a pasted document: read the start, say so, never echo it back
                self.app.channel.say(context.thread, (
                    f"That message is long ({len(text.encode()) // 1024} KB). I read its first "
                    f"{MAX_MESSAGE_CHARS:,} characters; send the rest in smaller messages if it matters."))
                text = text[:MAX_MESSAGE_CHARS]
            if not self.graph.get_state(config).next:
                self.graph.invoke({"season_id": season_id, "stage": "brief"}, config, context=context)
            self.graph.invoke(Command(resume=text), config, context=context)
            return season_id

    def stage(self, key: str) -> str | None:
        """The stage the thread's conversation is waiting in."""
        state = self.graph.get_state({"configurable": {"thread_id": key}})
        return state.values.get("stage") if state.values else None
