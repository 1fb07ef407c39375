"""The autouse fixture in conftest.py keeps the developer's environment out of every test."""

from __future__ import annotations

import os

from agent.settings import Settings
from tests.conftest import STARTUP_ENVIRONMENT, isolated_variables


def test_application_variables_are_chosen_and_test_knobs_kept() -> None:
    environ = {"SLACK_BOT_TOKEN": "xoxb-real", "DATABASE_URL": "postgresql://prod", "REDIS_URL": "redis://x",
               "ARTIFACT_STORE_URL": "s3://b", "GOOGLE_API_KEY": "k", "CLIFFHANGER_HOME": "/home/me",
               "TIKTOK_ACCESS_TOKEN": "act", "GEMINI_MODEL": "m", "CLIFFHANGER_TEST_PG": "postgresql://test",
               "PATH": "/bin", "HOME": "/root", "CI": "true"}
    assert sorted(isolated_variables(environ)) == sorted([
        "SLACK_BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "ARTIFACT_STORE_URL", "GOOGLE_API_KEY", "CLIFFHANGER_HOME",
        "TIKTOK_ACCESS_TOKEN", "GEMINI_MODEL"])


def test_nothing_of_the_startup_environment_reaches_a_test() -> None:
    leaked = [name for name in isolated_variables(STARTUP_ENVIRONMENT) if name in os.environ]
    assert leaked == []
    settings = Settings()
    assert settings.database_url is None and settings.slack_bot_token is None and settings.redis_url is None
