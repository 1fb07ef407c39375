"""Start-up and configuration errors: one line naming the setting and the cause (password hidden), exit code 2,
for every CLI command; a SQLite file's missing folder is created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.startup_errors import StartupError, explain

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hunter2-s3cret"
UNREACHABLE = f"postgresql://cliff:{PASSWORD}@127.0.0.1:9/prod"  # port 9 (discard): nothing listens there


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m agent.cli …` with a clean environment (only what the test sets)."""
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "CLIFFHANGER_HOME": str(tmp_path / "home"),
            "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], check=False, cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    return lines[0]


SLACK = {"SLACK_SIGNING_SECRET": "sign-secret-123", "SLACK_BOT_TOKEN": "xoxb-1234567890-abcdefghij"}


@pytest.mark.parametrize(("command", "extra"), [
    (["status"], {}),
    (["publish-due"], {}),
    (["worker"], {}),
    (["chat"], {}),
    (["slack", "--port", "0", "--workers", "0"], SLACK),
])
def test_unreachable_database_is_one_line_naming_it(tmp_path: Path, command: list[str], extra: dict[str, str]) -> None:
    line = one_line(cli(tmp_path, *command, DATABASE_URL=UNREACHABLE, **extra))
    assert "DATABASE_URL" in line and "127.0.0.1" in line and "refused" in line.lower()
    assert PASSWORD not in line


def test_bad_value_names_the_setting(tmp_path: Path) -> None:
    line = one_line(cli(tmp_path, "status", SLACK_LISTENER_THREADS="many"))
    assert "SLACK_LISTENER_THREADS" in line and "integer" in line


def test_refused_webhook_url_is_one_line(tmp_path: Path) -> None:
    line = one_line(cli(tmp_path, "publish-due", CLIFFHANGER_PUBLISHERS="webhook",
                        WEBHOOK_URL="https://10.1.2.3/hook", WEBHOOK_SECRET="whsec-abcdef123456"))
    assert "WEBHOOK_URL" in line and "10.1.2.3" in line and "whsec-abcdef123456" not in line


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    db = tmp_path / "not" / "yet" / "there" / "cliff.db"
    result = cli(tmp_path, "status", DATABASE_URL=f"sqlite:///{db}")
    assert "No seasons yet" in result.stdout and result.returncode == 1, result.stderr[-2000:]
    assert db.exists()


def test_explain_leaves_bugs_alone_and_hides_secrets() -> None:
    assert explain(KeyError("x")) is None and explain(RuntimeError("boom")) is None
    assert explain(StartupError("SMTP_HOST", f"cannot log in to smtp://u:{PASSWORD}@mail")) == \
        "SMTP_HOST: cannot log in to smtp://u:[REDACTED]@mail"
    assert explain(ValueError("the webhook publisher needs webhook_url and webhook_secret")) == \
        "WEBHOOK_URL: the webhook publisher needs WEBHOOK_URL and WEBHOOK_SECRET"
