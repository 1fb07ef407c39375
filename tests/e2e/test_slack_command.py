"""`cliffhanger slack` as a process: configuration errors are explained; HTTP mode serves signed events."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, EventSender, SlackEmulator

pytestmark = pytest.mark.xdist_group("e2e")

TOKEN = "xoxb-cli-test-0123456789-abcdefghij"
SECRET = "cli-test-signing-secret-0123456789"


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no Slack settings leak in from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GOOGLE_", "DATABASE_URL"))}
    env.update({"CLIFFHANGER_HOME": str(tmp_path / "home"), **extra})
    return env


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_missing_settings_are_named(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "agent.cli", "slack"], env=cli_env(tmp_path),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stdout and "SLACK_BOT_TOKEN" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_http_mode_answers_events_and_never_logs_the_token(tmp_path: Path) -> None:
    port = free_port()
    with SlackEmulator() as emulator:
        env = cli_env(tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_API_BASE_URL=emulator.base_url)
        process = subprocess.Popen([sys.executable, "-m", "agent.cli", "slack", "--host", "127.0.0.1", "--port",
                                    str(port), "--workers", "0"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                        assert response.status == 200
                        break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                    time.sleep(0.2)
            sender = EventSender(emulator, f"http://127.0.0.1:{port}/slack/events", SECRET, timeout=30)
            assert sender.url_verification("xyz").json() == {"challenge": "xyz"}
            assert sender.with_options(bad_signature=True).app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "hi").status == 401
            delivery = sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "Brand: Lumen. Product: can. 8 episodes.")
            assert delivery.acked_in_time
            emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=60)
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
    assert "HTTP mode" in output
    assert TOKEN not in output and SECRET not in output
