"""The one plug-in mechanism: entry points declared once, found by name, each plug-in reading its own settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent import plugins
from agent.bootstrap import make_brain
from agent.settings import Settings
from integrations.tiktok.settings import TikTokSettings


class DemoSettings(plugins.PluginSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_PLUGIN_", extra="ignore", populate_by_name=True)
    token: SecretStr | None = None
    base_url: str = Field(default="https://example.test")


def test_every_declared_plug_in_loads() -> None:
    """A typo in pyproject.toml (module or factory name) fails here, not at a customer's start-up."""
    for kind in plugins.GROUPS:
        for name in plugins.registered(kind):
            assert callable(plugins.load(kind, name)), (kind, name)


def test_unknown_names_are_refused_with_the_available_ones() -> None:
    with pytest.raises(plugins.UnknownPluginError, match=r"no publisher called 'myspace'; available: .*outbox"):
        plugins.load("publishers", "myspace")
    with pytest.raises(plugins.UnknownPluginError, match=r"no brain called 'hal'; available: .*offline"):
        make_brain(Settings(CLIFFHANGER_BRAIN="hal"))


def test_plugin_settings_explicit_then_environment_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DemoSettings.from_values({}).base_url == "https://example.test"
    monkeypatch.setenv("DEMO_PLUGIN_BASE_URL", "https://env.test")
    monkeypatch.setenv("DEMO_PLUGIN_TOKEN", "from-env")
    assert DemoSettings.from_values({}).base_url == "https://env.test"
    chosen = DemoSettings.from_values({"demo_plugin_base_url": "https://explicit.test", "DEMO_PLUGIN_TOKEN": None,
                                       "unrelated": 1})
    assert chosen.base_url == "https://explicit.test"
    assert chosen.token is None  # an explicit None means "none", whatever the environment says
    # a None for a field that cannot be None falls back instead of failing validation
    assert DemoSettings.from_values({"demo_plugin_base_url": None}).base_url == "https://env.test"


def test_explicit_plugin_values_pass_through_the_core_settings_hidden() -> None:
    settings = Settings(CLIFFHANGER_HOME=Path("/tmp/unused"), TIKTOK_ACCESS_TOKEN="act.secret",
                        TIKTOK_MODE="inbox")
    assert "act.secret" not in repr(settings) and not hasattr(Settings, "tiktok_access_token")
    tiktok = TikTokSettings.from_values(settings.plugin_values())
    assert tiktok.mode == "inbox" and tiktok.access_token is not None
    assert tiktok.access_token.get_secret_value() == "act.secret"


def test_brain_is_chosen_by_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_brain(Settings()).name == "offline"
    monkeypatch.setenv("GOOGLE_API_KEY", "k")
    monkeypatch.setenv("GEMINI_BASE_URL", "http://127.0.0.1:9")
    assert type(make_brain(Settings())).__name__ == "GeminiBrain"  # no network until the first question
    assert make_brain(Settings(CLIFFHANGER_BRAIN="offline")).name == "offline"
