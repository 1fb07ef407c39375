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
import subprocess
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from integrations.demo.local_stack import EMULATOR_SIGNING_SECRET, ScriptedPerson
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, EventSender, SlackEmulator
from tests.e2e.restart_helpers import BRIEF, EPISODES, all_posted, cliffhanger_command, wait
from tests.e2e.restart_helpers import cards as _cards
from tests.e2e.restart_helpers import renders as _renders

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            [*cliffhanger_command(), "slack", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
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


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[SlackEmulator]:
    with SlackEmulator(files_dir=tmp_path / "slack-files") as running:
        yield running


def _start(home: Path, emulator: SlackEmulator, log: Path) -> tuple[SlackApp, Stack]:
    app = SlackApp(home, emulator, log)
    wait("the app to serve", app.healthy, [app], timeout=300)
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
        wait("a posted card and a RUNNING render", lambda: bool(_cards(db)) and any(
            r[2] == "RUNNING" for r in _renders(db)), [first])
    finally:
        first.kill()
    before = _renders(db)
    cards_before = _cards(db)
    interrupted = [r[0] for r in before if r[2] == "RUNNING"]
    assert interrupted and len(before) == EPISODES, before

    second, stack = _start(home, emulator, tmp_path / "second.log")
    try:
        marketer.stack = stack  # type: ignore[assignment]  # the same person, in the same thread, to the new app

        wait("every episode rendered and posted", lambda: all_posted(db), [second])
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
