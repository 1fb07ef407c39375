"""Shared fixtures: an isolated data dir per test, a migrated store (SQLite, or PostgreSQL when asked)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from agent.settings import Settings
from agent.store.db import Store

PG_DSN = os.environ.get("CLIFFHANGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLIFFHANGER_TEST_REDIS", "redis://127.0.0.1:6379/0")

# What the application (core settings and plug-in settings) reads from the environment: removed before each test,
# so a developer's shell (a real SLACK_BOT_TOKEN, a DATABASE_URL, a GOOGLE_API_KEY) never leaks into a test.
ISOLATED_NAMES = frozenset({"DATABASE_URL", "REDIS_URL", "ARTIFACT_STORE_URL", "ARTIFACT_STORE_ENDPOINT_URL"})
ISOLATED_PREFIXES = ("CLIFFHANGER_", "GOOGLE_", "SLACK_", "GEMINI_", "TIKTOK_", "WEBHOOK_", "SMTP_", "EMAIL_",
                     "HEYGEN_", "PIPER_", "YOUTUBE_", "INSTAGRAM_", "FACEBOOK_", "LINKEDIN_")
# The suite's own knobs (where PostgreSQL/Redis are, the opt-in live-Gemini scenarios) stay.
TEST_KNOBS = ("CLIFFHANGER_TEST_", "CLIFFHANGER_SCENARIO_")
STARTUP_ENVIRONMENT = dict(os.environ)  # as the suite found it (tests/test_isolation.py checks the fixture)


def isolated_variables(environ: Mapping[str, str]) -> list[str]:
    """The variables of `environ` the autouse fixture removes."""
    live_gemini = bool(environ.get("CLIFFHANGER_SCENARIO_GEMINI_KEY"))
    return [name for name in environ
            if (name in ISOLATED_NAMES or name.startswith(ISOLATED_PREFIXES)) and not name.startswith(TEST_KNOBS)
            and not (live_gemini and name.startswith("GEMINI_"))]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the application's environment variables; tests set what they need."""
    for name in isolated_variables(os.environ):
        monkeypatch.delenv(name, raising=False)
    # The product renders animatics by default; the suite's conversation/review/publishing tests only need *a*
    # video, so they use the fast stills renderer. Animatic tests build their backend explicitly
    # (tests/tools/test_animatic.py, tests/production/test_contact_sheet.py); test_defaults checks the default.
    monkeypatch.setenv("CLIFFHANGER_VIDEO_BACKEND", "local")


def service_up(host: str, port: int) -> bool:
    """True when something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (with a reason) when a scale-path service is absent; on CI (CI=true) fail instead."""
    if service_up(host, port):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} on {host}:{port} is required on CI but not reachable")
    pytest.skip(f"{name} not reachable on {host}:{port}")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh data dir, no keys."""
    return Settings(CLIFFHANGER_HOME=tmp_path / "home", DATABASE_URL=None, GOOGLE_API_KEY=None,
                    SLACK_BOT_TOKEN=None)


@pytest.fixture
def store(settings: Settings) -> Store:
    """A migrated SQLite store."""
    return Store.open(settings.effective_database_url)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (dropped afterwards)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:10]}"
    dsn = PG_DSN
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = "postgresql+psycopg://" + dsn.split("://", 1)[1] + f"?options=-csearch_path%3D{schema}"
    yield url
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_store(pg_url: str) -> Store:
    """A migrated PostgreSQL store in its own schema."""
    return Store.open(pg_url)


@pytest.fixture
def redis_url() -> str:
    """Redis for the scale-path queue tests."""
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Totals of the scenario suite's Gemini runs (recorded by tests/scenarios/conftest.py): how many conversations
    sent functionCall parts over HTTP. Read from the test reports, so the totals are right under xdist too; it lives
    here because the controller of an xdist run loads only the root conftest."""
    runs: dict[str, dict[str, int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "gemini_standin" and getattr(report, "when", "") == "teardown":
                    runs[report.nodeid] = value
    if not runs:
        return
    with_calls = [n for n, s in runs.items() if s["function_calls"]]
    terminalreporter.write_line(
        f"Gemini understander scenarios: {len(runs)} conversations, {len(with_calls)} with functionCall "
        f"parts over HTTP; {sum(s['messages'] for s in runs.values())} messages read by the model, "
        f"{sum(s['model_requests'] for s in runs.values())} model requests, "
        f"{sum(s['function_calls'] for s in runs.values())} function calls")
    for nodeid in sorted(set(runs) - set(with_calls)):
        terminalreporter.write_line(f"  no functionCall parts: {nodeid}")
