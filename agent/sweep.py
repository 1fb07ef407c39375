"""The one publish sweep: episodes and campaign assets through the one ledger.

`publish_sweep` is the data core of the worker's minutely job, `cliffhanger publish-due` and the demo, which all
reach it through the use case agent.app.releases.publish_due (the composition root's Runtime.publish_due). Everything
it has to say is in the returned result's messages (SweepMessage: season, text, kind); the use case turns them into
events and the follow-up step tells each season's thread, so the sweep itself posts nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from agent.ports import ArtifactStore, Publisher
from agent.store.db import Store
from agent.store.models import utcnow
from tools.publish_notices import SweepResult


def publish_sweep(store: Store, *, publishers: Mapping[str, Publisher],
                  campaign_publishers: Mapping[str, Publisher] | None = None, now: datetime | None = None,
                  artifacts: ArtifactStore | None = None) -> SweepResult:
    """Publish what is due — episodes in order, reminders for unapproved ones due soon, then campaign assets (when
    campaign publishers are configured) — exactly once each; what to tell each thread is in the result."""
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
    return result

