"""`cliffhanger publish-due` runs the same sweep as the worker: campaign assets go out too, exactly once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from agent.cli import app
from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import Publication, Render
from tests.campaign.conftest import RecordingChannel
from tests.campaign.test_service import RELEASE, approve, message_ts, produce, slot


def test_publish_due_publishes_due_campaign_assets_once(store: Store, settings: Settings, season_id: int,
                                                        tmp_path: Path, channel: RecordingChannel,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    slot(store, 1)
    produce(store, season_id, tmp_path, channel, {1})
    approve(store, channel, message_ts(store, 1))
    monkeypatch.setenv("CLIFFHANGER_HOME", str(settings.cliffhanger_home))
    monkeypatch.setenv("CLIFFHANGER_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("CLIFFHANGER_VOICE", "silent")
    now = (RELEASE + timedelta(days=3)).isoformat()

    first = CliRunner().invoke(app, ["publish-due", "--now", now])
    again = CliRunner().invoke(app, ["publish-due", "--now", now])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    with store.session() as s:
        published = s.scalar(select(func.count(Publication.id)).join(Render, Render.id == Publication.render_id)
                             .where(Render.kind != "episode", Publication.status == "PUBLISHED"))
    assert published == 5  # episode 1's teaser, carousel, quote, write-up and behind-the-scenes, once each
    campaign = tmp_path / "outbox" / f"season-{season_id}" / "campaign"
    assert sorted(p.name for p in campaign.iterdir() if p.is_dir()) == [
        "ep01-bts", "ep01-carousel", "ep01-quote", "ep01-teaser", "ep01-writeup"]
