"""Publishers come from settings through the plug-in registry; the built-ins are declared as entry points."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from agent import plugins
from agent.bootstrap import make_publishers
from agent.settings import Settings
from agent.store.db import Store
from integrations.publishers import UnknownPublisherError
from integrations.tiktok import TikTokPublisher
from integrations.webhook import WebhookPublisher
from tools.publish_ledger import PublicationState

ROOT = Path(__file__).resolve().parents[2]


def test_publishers_from_settings(tmp_path: Path, store: Store) -> None:
    settings = Settings(CLIFFHANGER_HOME=tmp_path, CLIFFHANGER_PUBLISHERS="outbox, webhook,tiktok",
                        WEBHOOK_URL="http://127.0.0.1:9/hook", WEBHOOK_SECRET="whsec",
                        WEBHOOK_ALLOW_INSECURE_LOCAL=True, TIKTOK_ACCESS_TOKEN="act.x", TIKTOK_MODE="inbox")
    assert "whsec" not in repr(settings)  # an explicit plug-in value may be a secret: hidden
    built = make_publishers(settings, store=store)
    assert list(built) == ["outbox", "webhook", "tiktok"]
    assert isinstance(built["webhook"], WebhookPublisher)
    tiktok = built["tiktok"]
    assert isinstance(tiktok, TikTokPublisher) and tiktok.mode == "inbox"
    assert isinstance(tiktok.state, PublicationState)  # publish_ids live in the ledger, not a local file


def test_half_configured_publisher_fails_at_start_up(tmp_path: Path, store: Store) -> None:
    with pytest.raises(ValueError, match="webhook_url and webhook_secret"):
        make_publishers(Settings(CLIFFHANGER_HOME=tmp_path, CLIFFHANGER_PUBLISHERS="webhook"), store=store)
    with pytest.raises(UnknownPublisherError, match="myspace"):
        make_publishers(Settings(CLIFFHANGER_HOME=tmp_path, CLIFFHANGER_PUBLISHERS="myspace"), store=store)


def test_builtins_are_declared_once_as_entry_points() -> None:
    """pyproject.toml is the one declaration: what is installed is what it declares, for every plug-in kind."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for kind, group in plugins.GROUPS.items():
        declared = project["entry-points"][group]
        assert {name: ep.value for name, ep in plugins.registered(kind).items()} == declared, kind
