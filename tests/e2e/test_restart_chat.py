"""`cliffhanger chat` killed mid-render and started again continues the season where it was (issue 12 §5).

The real CLI runs as a subprocess on its own SQLite database: a prose brief and the answers that lead to rendering
go in over stdin; once a card is in the thread and a render is RUNNING the process is SIGKILLed (no clean-up of any
kind), and a new `cliffhanger chat` on the same data dir must re-queue what was interrupted, finish every episode to
review with its card posted, answer "render again" truthfully, and keep the thread's message ids unique.
Everything is observed from outside: the database rows and what the terminal printed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.restart_helpers import BRIEF, EPISODES, all_posted, cliffhanger_command, rows, wait
from tests.e2e.restart_helpers import cards as _cards
from tests.e2e.restart_helpers import renders as _renders

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

TO_RENDERING = [BRIEF, "looks good", "1", "lock it"]  # brief → arc; arc ok → casting; lead 1 → look; lock → render
ALL_CURRENT = "Every episode already has a current render."


class Chat:
    """One `cliffhanger chat` process: stdin kept open (the conversation waits for the next line), stdout to a file."""

    def __init__(self, home: Path, log: Path) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home.parent), "LANG": "C.UTF-8",
               "CLIFFHANGER_HOME": str(home), "CLIFFHANGER_VIDEO_BACKEND": "local", "COLUMNS": "240"}
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen([*cliffhanger_command(), "chat"], stdin=subprocess.PIPE, stdout=self._out,
                                        stderr=subprocess.STDOUT, env=env, cwd=home.parent, text=True,
                                        start_new_session=True)

    def say(self, *lines: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("".join(f"{line}\n" for line in lines))
        self.process.stdin.flush()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        self._out.close()

    def quit(self, timeout: float) -> int:
        self.say("quit")
        code = self.process.wait(timeout=timeout)
        self._out.close()
        return code


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    yield path
    shutil.rmtree(path, ignore_errors=True)  # eight MP4s: not kept beyond the test


def test_chat_killed_mid_render_continues_after_restart(home: Path, tmp_path: Path) -> None:
    db = home / "cliffhanger.db"
    first = Chat(home, tmp_path / "first.log")
    try:
        first.say(*TO_RENDERING)
        # the moment to kill: a card already in the thread, a render in the middle of its work, others still queued
        wait("a posted card and a RUNNING render", lambda: bool(_cards(db)) and any(
            r[2] == "RUNNING" for r in _renders(db)), [first])
    finally:
        first.kill()
    before = _renders(db)
    cards_before = _cards(db)
    interrupted = [r[0] for r in before if r[2] == "RUNNING"]
    waiting = [r[0] for r in before if r[2] == "QUEUED"]
    assert interrupted, before
    host = socket.gethostname()
    for render_id, _number, _status, attempts, meta in before:
        if render_id in interrupted:  # the dead process's claim is still there: nothing tidied up behind the kill
            assert f'"worker": "{host}:{first.process.pid}"' in (meta or ""), meta
            assert attempts == 1
    assert len({r[1] for r in before}) == EPISODES

    second = Chat(home, tmp_path / "second.log")
    try:
        second.say("render again")  # straight away: renders are queued again, none is made twice
        wait("the restart to resume", lambda: "interrupted by the last stop" in second.output(), [second])
        resumed = int(re.search(r"Resumed (\d+) render", second.output()).group(1))  # type: ignore[union-attr]
        assert resumed >= len(interrupted) + len(waiting)

        wait("every episode rendered and posted", lambda: all_posted(db), [second])
        answered = second.output().count(ALL_CURRENT)
        second.say("render again", "status")
        wait("the answer to the second 'render again'", lambda: second.output().count(ALL_CURRENT) > answered
              and "stage *REVIEW*" in second.output(), [second])
        code = second.quit(timeout=300)
    finally:
        second.kill()
    assert code == 0, second.output()[-3000:]

    after = _renders(db)
    assert [r[0] for r in after] == [r[0] for r in before]  # the same rows finished: nothing was planned twice
    assert all(r[2] == "DONE" for r in after), after
    attempts = {r[0]: r[3] for r in after}
    assert all(attempts[i] == 2 for i in interrupted), attempts  # claimed once by each process
    assert all(attempts[i] == 1 for i in waiting), attempts
    statuses = rows(db, "SELECT number, status FROM episodes ORDER BY number")
    assert statuses == [(n, "IN_REVIEW") for n in range(1, EPISODES + 1)]

    cards = _cards(db)
    assert Counter(c[0] for c in cards) == Counter(r[0] for r in after)  # exactly one card per cut
    assert cards[:len(cards_before)] == cards_before  # the first run's cards are untouched
    per_thread = Counter((channel, thread, ts) for _rid, channel, ts, thread in cards)
    assert max(per_thread.values()) == 1, per_thread  # message ids unique per thread across both runs
    later = cards[len(cards_before):]
    assert later and {c[2] for c in later}.isdisjoint({c[2] for c in cards_before})

    printed = second.output()
    for render_id, number, *_rest in after:
        if render_id in interrupted + waiting:
            assert re.search(rf"▶ Ep {number} · ", printed), f"Ep {number}'s card was not printed after restart"
    for log in (first.output(), printed):
        assert "IntegrityError" not in log and "Traceback" not in log, log[-3000:]
    assert "I'm not sure" not in printed  # the conversation knows it is in review, not still at the look
    assert not re.search(r"Queued \d+ render", printed)  # "render again" planned nothing new
