"""Errors marketers see: one place, the setting named for configuration problems, never a class name or a secret."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from agent.brain.errors import BrainError, KeyRejectedError
from agent.user_errors import describe, is_database_busy, message
from integrations.heygen.client import HeyGenKeyError
from integrations.slack.listeners.events.messages import friendly_error
from integrations.tiktok.client import TikTokError
from integrations.webhook import UnsafeDestinationError

TOKEN = "act.9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1"


def slack_error(code: str) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data={"ok": False, "error": code}, headers={}, status_code=200)
    return SlackApiError("The request to the Slack API failed.", response)


def locked_error(tmp_path: Path) -> OperationalError:
    """A real "database is locked" from SQLite, wrapped by SQLAlchemy as the app would see it."""
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    holder = create_engine(url, connect_args={"timeout": 0})
    waiter = create_engine(url, connect_args={"timeout": 0})
    with holder.connect() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.commit()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.execute(text("INSERT INTO t VALUES (1)"))
        try:
            with waiter.begin() as other:
                other.execute(text("INSERT INTO t VALUES (2)"))
        except OperationalError as exc:
            return exc
        finally:
            conn.rollback()
    raise AssertionError("the second writer was not refused")


@pytest.mark.parametrize(("exc", "setting", "phrase"), [
    (KeyRejectedError("Gemini rejected the API key (HTTP 400)"), "GOOGLE_API_KEY",
     "GOOGLE_API_KEY was rejected by Gemini — check it; nothing was changed"),
    (HeyGenKeyError("HeyGen said 401"), "HEYGEN_API_KEY", "HEYGEN_API_KEY was rejected by HeyGen"),
    (TikTokError("access_token_invalid", f"Authorization: Bearer {TOKEN} is invalid", http_status=401),
     "TIKTOK_ACCESS_TOKEN", "TIKTOK_ACCESS_TOKEN was rejected by TikTok"),
    (slack_error("invalid_auth"), "SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN was rejected by Slack"),
    (UnsafeDestinationError("'10.0.0.5' resolves to a private or local address"), "WEBHOOK_URL",
     "WEBHOOK_URL was refused"),
])
def test_configuration_problems_name_the_setting(exc: BaseException, setting: str, phrase: str) -> None:
    error = describe(exc)
    assert error.setting == setting and not error.retry_helps
    text = message(exc, "ref1")
    assert phrase in text and "try again" not in text.lower()
    assert type(exc).__name__ not in text and TOKEN not in text


def test_outside_text_is_redacted() -> None:
    exc = TikTokError("spam_risk", f"echo: {{'Authorization': 'Bearer {TOKEN}'}}", http_status=400)
    text = message(exc)
    assert TOKEN not in text and "TikTok refused it" in text and "TikTokError" not in text


def test_brain_errors_keep_their_wording() -> None:
    text = message(BrainError("Gemini is busy or unavailable (HTTP 503, UNAVAILABLE) after 4 tries."), "r")
    assert "Gemini is busy or unavailable" in text and "try again" in text and "BrainError" not in text


@pytest.mark.parametrize("exc", [KeyError("season_id"), RuntimeError("boom"), ZeroDivisionError(),
                                 AttributeError("'NoneType' object has no attribute 'id'")])
def test_unknown_failures_never_show_a_class_name_or_internals(exc: BaseException) -> None:
    text = friendly_error(exc, "abcd1234")
    assert "something went wrong on my side" in text and "abcd1234" in text
    for internal in (type(exc).__name__, "season_id", "NoneType", "boom"):
        assert internal not in text


def test_database_busy_is_recognised_through_sqlalchemy(tmp_path: Path) -> None:
    exc = locked_error(tmp_path)
    assert is_database_busy(exc)
    assert "database was busy" in message(exc)
    assert not is_database_busy(sqlite3.OperationalError("no such table: x"))
    assert describe(OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file"))
                    ).setting == "DATABASE_URL"


def test_an_exception_may_name_its_own_setting() -> None:
    class Misconfigured(RuntimeError):
        setting = "CLIFFHANGER_OUTBOX"

    text = message(Misconfigured("folder /nope is read-only"))
    assert text.startswith("CLIFFHANGER_OUTBOX is not usable: folder /nope is read-only")


@pytest.mark.xdist_group("e2e")
def test_rejected_gemini_key_is_named_in_the_thread(tmp_path: Path) -> None:
    """Through Slack: Gemini refuses the key (400 API_KEY_INVALID from the local stand-in); the thread names the
    setting and says nothing was changed — no class name, no "try again"."""
    from agent.settings import Settings
    from integrations.demo.local_stack import LocalStack
    from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID
    from tests.fakes.gemini_server import FakeGemini

    with FakeGemini(api_key="the-right-key") as gemini:
        settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", DATABASE_URL=None, REDIS_URL=None,
                            SLACK_BOT_TOKEN=None, GOOGLE_API_KEY="AIzaWRONGwrongWRONGwrongWRONGwrong1234",
                            GEMINI_BASE_URL=gemini.base_url)
        with LocalStack(settings, immediate_queue=True) as stack:
            delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "Brand: Lumen. 8 episodes.")
            bot = stack.emulator.workspace.bot_user_id
            note = stack.emulator.wait_for(
                lambda m: m.get("user") == bot and "GOOGLE_API_KEY" in str(m.get("text", "")), 120,
                channel=DRAMA_CHANNEL_ID, thread_ts=delivery.ts)
    text = note["text"]
    assert "GOOGLE_API_KEY was rejected by Gemini — check it; nothing was changed" in text
    assert "KeyRejectedError" not in text and "try again" not in text.lower() and "AIzaWRONG" not in text
