"""The one publish sweep: episodes and campaign assets through the one ledger, then each season's thread is told.

`publish_sweep` is the single entry point the worker's minutely job, `cliffhanger publish-due`, the demo and the
application layer call (through the composition root's Runtime.publish_due). Everything it says is in the returned
result's messages (SweepMessage: season, text, kind), so a caller without a channel can turn them into events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from agent.ports import ArtifactStore, Publisher, ReviewChannel, ThreadRef
from agent.store.db import Store
from agent.store.models import Season, utcnow
from tools.publish_notices import SweepResult


def publish_sweep(store: Store, *, publishers: Mapping[str, Publisher],
                  campaign_publishers: Mapping[str, Publisher] | None = None, channel: ReviewChannel | None = None,
                  now: datetime | None = None, artifacts: ArtifactStore | None = None) -> SweepResult:
    """Publish what is due — episodes in order, reminders for unapproved ones due soon, then campaign assets (when
    campaign publishers are configured) — exactly once each; tell each season's thread when a channel is given."""
    from agent.services.campaign_publish import publish_campaign_due
    from tools.publish import publish_due
    from tools.publish_notices import remind_unapproved

    now = now or utcnow()
    result = publish_due(store, dict(publishers), now=now, artifacts=artifacts)
    result.messages.extend(remind_unapproved(store, now))  # unapproved episodes due within 24 h, each told once
    if campaign_publishers:
        campaign = publish_campaign_due(store, campaign_publishers, now, artifacts)
        result.campaign_published, result.campaign_held = campaign.published, campaign.held
        result.campaign_failed = campaign.failed
        result.messages.extend(campaign.messages)
    if channel is not None:
        tell_threads(store, channel, result)
    return result


def tell_threads(store: Store, channel: ReviewChannel, result: SweepResult) -> None:
    """One note per message into its season's thread (seasons without a thread are skipped)."""
    for message in result.messages:
        with store.session() as session:
            season = session.get(Season, message.season_id)
            if season is None or not season.thread_ts:
                continue
            thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        channel.say(thread, message.text)


def sweep_and_report(store: Store, publishers: Mapping[str, Publisher], channel: ReviewChannel | None,
                     now: datetime, campaign_publishers: Mapping[str, Publisher] | None = None,
                     artifacts: ArtifactStore | None = None) -> SweepResult:
    """The older positional form of `publish_sweep` (kept for existing callers)."""
    return publish_sweep(store, publishers=publishers, campaign_publishers=campaign_publishers, channel=channel,
                         now=now, artifacts=artifacts)
