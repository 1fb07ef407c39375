"""`cliffhanger slack` killed mid-render and started again continues the season where it was (issue 12 §5).

The real app runs as a subprocess (HTTP mode, its embedded render workers) against the local Slack emulator in this
process. A marketer takes a season to rendering in a thread; once a card is in the thread and a render is RUNNING
the app is SIGKILLed, and a new `cliffhanger slack` on the same data dir must finish every episode to review with
exactly one card each in that thread, and answer "render again" in the same conversation.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from integrations.demo.local_stack import EMULATOR_SIGNING_SECRET, ScriptedPerson
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, EventSender, SlackEmulator

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

BRIEF = ("We're Lumen Coffee, and our hero product is the Lumen Night Brew cold-brew can. We'd love something cosy "
         "and suspenseful for night-shift nurses: 8 episodes of 15 seconds, daily at 6pm New York.")
EPISODES = 8
WAIT = 1200.0  # seconds: eight renders on two cores shared with other busy processes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command() -> list[str]:
    script = Path(sys.executable).with_name("cliffhanger")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent.cli"]


class SlackApp:
    """One `cliffhanger slack` process in HTTP mode, talking to the emulator."""

    def __init__(self, home: Path, emulator: SlackEmulator, log: Path) -> None:
        self.port = _free_port()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home.parent), "LANG": "C.UTF-8",
               "CLIFFHANGER_HOME": str(home), "CLIFFHANGER_VIDEO_BACKEND": "local", "COLUMNS": "240",
               "SLACK_BOT_TOKEN": "xoxb-local-emulator", "SLACK_SIGNING_SECRET": EMULATOR_SIGNING_SECRET,
               "SLACK_API_BASE_URL": emulator.base_url}
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [*_command(), "slack", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
            stdout=self._out, stderr=subprocess.STDOUT, env=env, cwd=home.parent, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def healthy(self) -> bool:
        assert self.process.poll() is None, f"the app exited:\n{self.output()[-3000:]}"
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        self._out.close()


@dataclass
class Stack:
    """What ScriptedPerson needs of a stack: the emulator and a sender to the running app."""

    emulator: SlackEmulator
    sender: EventSender


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error) or "locked" in str(error):
            return []
        raise


def _wait(what: str, ready: Callable[[], bool], app: SlackApp, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert app.process.poll() is None, f"the app exited:\n{app.output()[-3000:]}"
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{app.output()[-3000:]}")
        time.sleep(0.25)


def _renders(db: Path) -> list[tuple[int, int, str, int]]:
    return _rows(db, "SELECT r.id, e.number, r.status, r.attempts FROM renders r JOIN episodes e "
                     "ON e.id = r.episode_id WHERE r.kind = 'episode' ORDER BY r.id")


def _cards(db: Path) -> list[tuple[int, str, str, str]]:
    return _rows(db, "SELECT render_id, channel_id, message_ts, thread_ts FROM review_messages ORDER BY id")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[SlackEmulator]:
    with SlackEmulator(files_dir=tmp_path / "slack-files") as running:
        yield running


def _start(home: Path, emulator: SlackEmulator, log: Path) -> tuple[SlackApp, Stack]:
    app = SlackApp(home, emulator, log)
    _wait("the app to serve", app.healthy, app, timeout=300)
    return app, Stack(emulator, EventSender(emulator, f"{app.url}/slack/events", EMULATOR_SIGNING_SECRET,
                                            timeout=120))


def test_slack_app_killed_mid_render_continues_after_restart(emulator: SlackEmulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "cliffhanger.db"
    first, stack = _start(home, emulator, tmp_path / "first.log")
    try:
        marketer = ScriptedPerson(stack, MARKETER_ID)  # type: ignore[arg-type]  # duck-typed: emulator + sender
        marketer.start(BRIEF, expect="to cast the lead", timeout=300)
        marketer.say("looks good", expect="lock your lead", timeout=300)
        marketer.say("1", expect="lock it", timeout=300)
        marketer.say("lock it", expect="locked. Rendering", timeout=300)
        _wait("a posted card and a RUNNING render", lambda: bool(_cards(db)) and any(
            r[2] == "RUNNING" for r in _renders(db)), first)
    finally:
        first.kill()
    before = _renders(db)
    cards_before = _cards(db)
    interrupted = [r[0] for r in before if r[2] == "RUNNING"]
    assert interrupted and len(before) == EPISODES, before

    second, stack = _start(home, emulator, tmp_path / "second.log")
    try:
        marketer.stack = stack  # type: ignore[assignment]  # the same person, in the same thread, to the new app

        def finished() -> bool:
            renders, cards = _renders(db), _cards(db)
            return (len(renders) == EPISODES and all(r[2] == "DONE" for r in renders)
                    and {c[0] for c in cards} >= {r[0] for r in renders})

        _wait("every episode rendered and posted", finished, second)
        marketer.say("render again", expect="already has a current render", timeout=300)
    finally:
        second.kill()

    assert "Resuming" in second.output()
    after = _renders(db)
    assert [r[0] for r in after] == [r[0] for r in before]  # the same rows finished: nothing planned twice
    assert all(r[2] == "DONE" for r in after) and all(r[3] == 2 for r in after if r[0] in interrupted), after
    cards = _cards(db)
    assert Counter(c[0] for c in cards) == Counter(r[0] for r in after)  # exactly one card per cut
    assert cards[:len(cards_before)] == cards_before
    assert {c[3] for c in cards} == {marketer.thread_ts} and {c[1] for c in cards} == {DRAMA_CHANNEL_ID}
    assert len({c[2] for c in cards}) == len(cards)  # message ids unique in the thread across both runs
    in_thread = {m["ts"] for m in emulator.messages(DRAMA_CHANNEL_ID, marketer.thread_ts)}
    assert {c[2] for c in cards} <= in_thread  # every card really is in the thread
    for log in (first.output(), second.output()):
        assert "IntegrityError" not in log and "Traceback" not in log, log[-3000:]
