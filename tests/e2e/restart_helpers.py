"""What the two kill-and-restart tests (test_restart_chat.py, test_restart_slack.py) share: the brief that leads to
eight renders, the `cliffhanger` command, outside reads of the process's SQLite database, and the wait that fails
at once when the process under test has died instead of timing out twenty minutes later."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from subprocess import Popen
from typing import Any, Protocol

BRIEF = ("We're Lumen Coffee, and our hero product is the Lumen Night Brew cold-brew can. We'd love something cosy "
         "and suspenseful for night-shift nurses: 8 episodes of 15 seconds, daily at 6pm New York.")
EPISODES = 8
WAIT = 1200.0  # seconds: eight renders on a machine whose two cores are shared with other busy processes


class Running(Protocol):
    """A process under test and what it has printed so far."""

    process: Popen[Any]

    def output(self) -> str: ...


def cliffhanger_command() -> list[str]:
    """The installed `cliffhanger` script next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("cliffhanger")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """A read of the process's database from outside (empty while it, or the table, does not exist yet)."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error) or "locked" in str(error):
            return []
        raise


def wait(what: str, ready: Callable[[], bool], running: Sequence[Running], timeout: float = WAIT) -> None:
    """Poll `ready` until true; fail as soon as a process in `running` has exited, or after `timeout`."""
    deadline = time.monotonic() + timeout
    while not ready():
        for one in running:
            assert one.process.poll() is None, f"the process exited ({one.process.returncode}):\n{one.output()[-3000:]}"
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{running[-1].output()[-3000:]}")
        time.sleep(0.25)


def renders(db: Path) -> list[tuple[int, int, str, int, str | None]]:
    """(render id, episode number, status, attempts, meta json) of every episode cut."""
    return rows(db, "SELECT r.id, e.number, r.status, r.attempts, r.meta FROM renders r "
                    "JOIN episodes e ON e.id = r.episode_id WHERE r.kind = 'episode' ORDER BY r.id")


def cards(db: Path) -> list[tuple[int, str, str, str]]:
    """(render id, channel, message ts, thread ts) of every review card in the thread."""
    return rows(db, "SELECT render_id, channel_id, message_ts, thread_ts FROM review_messages ORDER BY id")


def all_posted(db: Path) -> bool:
    """Every one of the EPISODES cuts is DONE and has its card in the thread."""
    done, posted = renders(db), cards(db)
    return (len(done) == EPISODES and all(r[2] == "DONE" for r in done)
            and {c[0] for c in posted} >= {r[0] for r in done})
