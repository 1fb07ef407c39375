"""The campaign outbox's guarantees and the 0002 migration's schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from agent.ports import PublishPackage
from agent.store.db import Store
from agent.store.models import Base
from integrations.campaign_outbox import CampaignOutboxPublisher


def package(tmp_path: Path, key: str, kind: str = "quote") -> PublishPackage:
    image = tmp_path / "q.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    return PublishPackage(season_id=1, season_title="S", episode_number=3, episode_title="E", video_path=image,
                          cover_path=None, caption="“Line”", hashtags=["#S"], unlock="free", destination="campaign",
                          publish_at="2026-12-04T23:00:00+00:00", approvals=[], idempotency_key=key, kind=kind)


def test_a_repeat_with_the_same_key_does_not_rewrite_and_a_new_version_replaces(tmp_path: Path) -> None:
    outbox = CampaignOutboxPublisher(tmp_path / "outbox")
    first = outbox.publish(package(tmp_path, "campaign1:outbox"))
    meta = Path(first.location) / "metadata.json"
    stamp = meta.stat().st_mtime_ns
    assert outbox.publish(package(tmp_path, "campaign1:outbox")) == first
    assert meta.stat().st_mtime_ns == stamp
    outbox.publish(package(tmp_path, "campaign2:outbox"))
    assert "campaign2:outbox" in meta.read_text()
    assert (tmp_path / "outbox" / "season-1" / "campaign" / "manifest.json").exists()
    assert not (tmp_path / "outbox" / "season-1" / "ep03").exists(), "the episode's own folder is never touched"


def test_episodes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="episode outbox"):
        CampaignOutboxPublisher(tmp_path).publish(package(tmp_path, "slot1:outbox", kind="episode"))


def test_migrating_a_blank_database_leaves_no_campaign_twin_tables(store: Store) -> None:
    """Campaign assets are renders of another kind (tests/store compares the whole schema): only the plan is theirs."""
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diff if "campaign" in str(d)] == []
    assert {t for t in Base.metadata.tables if t.startswith("campaign")} == {"campaign_plans"}
