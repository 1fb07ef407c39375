"""A running product (emulator + real Bolt app over HTTP) shared by the endpoint tests, and a raw signed poster."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import EventLog, Season

EMULATOR_SIGNING_SECRET = "emulator-signing-secret"  # integrations.demo.local_stack's (imported lazily below)


def sign(body: bytes, timestamp: str, secret: str = EMULATOR_SIGNING_SECRET) -> str:
    """Slack's v0 signature over the exact bytes."""
    return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, content_type: str = "application/json", *, offset: float = 0) -> dict[str, str]:
    """Headers Slack would send for `body` (timestamp shifted by `offset` seconds)."""
    timestamp = str(int(time.time() + offset))
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(body, timestamp)}


def rows(store: Store) -> tuple[int, int]:
    """(event log rows, seasons): what an accepted event would write."""
    with store.session() as session:
        return (session.scalar(select(func.count()).select_from(EventLog)) or 0,
                session.scalar(select(func.count()).select_from(Season)) or 0)


def tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """Log records that carry a traceback (the thing a malformed request must never produce)."""
    return [r.getMessage() for r in records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The whole product on embedded defaults (a LocalStack), shared by a module's tests."""
    from integrations.demo.local_stack import LocalStack

    home: Path = tmp_path_factory.mktemp("hardening")
    settings = Settings(CLIFFHANGER_HOME=home / "home", CLIFFHANGER_OUTBOX=home / "outbox", DATABASE_URL=None,
                        GOOGLE_API_KEY=None, REDIS_URL=None, SLACK_BOT_TOKEN=None,
                        CLIFFHANGER_VIDEO_BACKEND="local")  # module fixtures run before the autouse pin
    with LocalStack(settings, immediate_queue=True) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client (no retries, no redirects)."""
    with httpx.Client(timeout=10) as client:
        yield client
