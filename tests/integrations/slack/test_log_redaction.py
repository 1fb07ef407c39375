"""No secret reaches a log handler: tokens, keys and the configured secret values are redacted."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from agent.logging_setup import REDACTED, RedactingFilter, install_redaction, secret_values
from agent.settings import Settings

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
APP_TOKEN = "xapp-1-A0123456789-1234567890-abcdef0123456789"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
GOOGLE_KEY = "AIzaSyD-EXAMPLEexampleEXAMPLEexample12345"
CLIENT_SECRET = "c0ffee-client-secret-value"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A handler on a private logger, with the redaction installed the way the CLI installs it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    settings = Settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                        GOOGLE_API_KEY=GOOGLE_KEY, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET=CLIENT_SECRET)
    install_redaction(secret_values(settings))
    yield stream
    logger.removeHandler(handler)


def test_secret_values_in_messages_and_arguments_are_redacted(captured: io.StringIO) -> None:
    log = logging.getLogger("test.redaction")
    log.info("starting with token %s and app token %s", BOT_TOKEN, APP_TOKEN)
    log.warning("signature check with %s failed", SIGNING_SECRET)
    log.error("gemini said 403 for https://x.example/v1beta/models?key=%s", GOOGLE_KEY)
    log.debug("POST oauth.v2.access client_secret=%s&code=abc", CLIENT_SECRET)
    log.info("headers {'Authorization': 'Bearer xoxp-999999-abcdef'}")
    out = captured.getvalue()
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, GOOGLE_KEY, CLIENT_SECRET, "xoxp-999999-abcdef"):
        assert secret not in out
    assert out.count(REDACTED) >= 6 and "starting with token" in out and "code=abc" in out


def test_tracebacks_are_redacted(captured: io.StringIO) -> None:
    try:
        raise RuntimeError(f"auth failed for {BOT_TOKEN}")
    except RuntimeError:
        logging.getLogger("test.redaction").exception("turn failed")
    out = captured.getvalue()
    assert "RuntimeError: auth failed for " + REDACTED in out and BOT_TOKEN not in out


def test_token_shapes_are_caught_without_being_configured() -> None:
    redactor = RedactingFilter()
    assert redactor.redact(f"a {BOT_TOKEN} b {APP_TOKEN} c {GOOGLE_KEY}") == f"a {REDACTED} b {REDACTED} c {REDACTED}"
    assert redactor.redact("xoxb is a word, so is xapp") == "xoxb is a word, so is xapp"


def test_secret_values_reads_every_secret_field() -> None:
    settings = Settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    assert {BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET} <= set(secret_values(settings))
