"""Run the publish sweep and tell each season's thread what happened (published, held, failed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from agent.ports import ArtifactStore, Publisher, ReviewChannel, ThreadRef
from agent.store.db import Store
from agent.store.models import Season


def sweep_and_report(store: Store, publishers: dict[str, Publisher], channel: ReviewChannel | None,
                     now: datetime, campaign_publishers: Mapping[str, Publisher] | None = None,
                     artifacts: ArtifactStore | None = None):  # type: ignore[no-untyped-def]
    """publish_due (then the campaign's due assets, when campaign publishers are given), one note per message into
    the season's thread."""
    from tools.publish import publish_due
    from tools.publish_notices import remind_unapproved

    result = publish_due(store, publishers, now=now, artifacts=artifacts)
    result.messages.extend(remind_unapproved(store, now))  # unapproved episodes due within 24 h, each told once
    notes = [(m.season_id, m.text) for m in result.messages]
    if campaign_publishers:
        from agent.services.campaign_publish import publish_campaign_due

        notes += publish_campaign_due(store, campaign_publishers, now, artifacts).messages
    if channel is None:
        return result
    for season_id, text in notes:
        with store.session() as session:
            season = session.get(Season, season_id)
            if season is None or not season.thread_ts:
                continue
            thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        channel.say(thread, text)
    return result
