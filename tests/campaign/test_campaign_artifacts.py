"""Campaign outputs live in the artifact store: generated on one machine, posted and published from another."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from agent.services.campaign import plan_campaign, run_campaign_asset
from agent.services.campaign_publish import publish_campaign_due
from agent.store.db import Store
from agent.store.models import Episode, Render
from integrations.campaign_outbox import CampaignOutboxPublisher
from tests.campaign.conftest import RecordingChannel
from tests.campaign.test_service import RELEASE, approve, message_ts, slot
from tests.integrations.test_s3_artifacts import S3Server, s3  # noqa: F401 - the local S3 server fixture


def test_campaign_files_go_to_the_bucket_and_publish_from_another_machine(
        s3: S3Server, store: Store, season_id: int, tmp_path: Path, channel: RecordingChannel) -> None:  # noqa: F811
    worker = s3.machine(tmp_path / "worker-cache")
    slot(store, 1)
    ids = plan_campaign(store, season_id)
    with store.session() as session:
        ep1 = [i for i in ids if session.get_one(Episode, session.get_one(Render, i).episode_id).number == 1]
    for asset_id in ep1:
        run_campaign_asset(store, asset_id, artifacts_dir=tmp_path / "artifacts", channel=channel, artifacts=worker)
    with store.session() as session:
        refs = [f for i in ep1 for f in session.scalar(select(Render.files).where(Render.id == i))]
    assert refs and all(ref.startswith(f"s3://{s3.bucket}/") for ref in refs)
    assert {ref.split("/", 3)[3] for ref in refs} <= s3.keys()
    posted = [f for card in channel.campaigns for item in card.items for f in item.files]
    assert posted and all(path.is_file() for path in posted)  # the poster uploads real local files

    shutil.rmtree(tmp_path / "artifacts")  # the generating worker's disk is gone: only the bucket has the files
    approve(store, channel, message_ts(store, 1))
    publisher_machine = s3.machine(tmp_path / "publisher-cache")
    outbox = tmp_path / "outbox"
    result = publish_campaign_due(store, {"outbox": CampaignOutboxPublisher(outbox)},
                                  RELEASE + timedelta(minutes=1), artifacts=publisher_machine)
    assert result.published >= 2
    quote = next(ref for ref in refs if "quote" in ref)  # the quote graphic goes out on release
    body = s3.client().get_object(Bucket=s3.bucket, Key=quote.split("/", 3)[3])["Body"].read()
    published = [p.read_bytes() for p in (outbox / f"season-{season_id}" / "campaign").rglob("*.png")]
    assert body in published
