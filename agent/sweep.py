"""Run the publish sweep and tell each season's thread what happened (published, held, failed)."""

from __future__ import annotations

from datetime import datetime

from agent.ports import Publisher, ReviewChannel, ThreadRef
from agent.store.db import Store
from agent.store.models import Season


def sweep_and_report(store: Store, publishers: dict[str, Publisher], channel: ReviewChannel | None,
                     now: datetime):  # type: ignore[no-untyped-def]
    """publish_due, then one note per message into the season's thread."""
    from tools.publish import publish_due

    result = publish_due(store, publishers, now=now)
    if channel is None:
        return result
    for message in result.messages:
        with store.session() as session:
            season = session.get(Season, message.season_id)
            if season is None or not season.thread_ts:
                continue
            thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        channel.say(thread, message.text)
    return result
