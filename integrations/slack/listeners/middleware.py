"""Global Bolt middleware: every Events API delivery is handled at most once, whatever its type.

Slack redelivers an event it did not see acknowledged within 3 s (at once, then after 1 and 5 minutes) with the same
`event_id`. Deduping in each listener is easy to forget for the next event type, so it happens here, once, before
any listener is matched. The key is written to the database (EventLog's primary key decides), which makes it hold
across threads, processes and restarts; a duplicate is answered 200 so Slack stops retrying.

The `(channel, ts)` key that folds the `app_mention` + `message` twins of one @mention into one turn lives in
`messages.run_turn`: the twins carry different event ids, and only the listener knows which twin it will act on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from agent.store.db import Store
from integrations.slack.dedupe import first_time

log = logging.getLogger(__name__)
EVENT_KEY_PREFIX = "event:"


def event_key(body: dict[str, Any]) -> str | None:
    """The dedupe key of an Events API envelope (`event:<event_id>`), None for anything else."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return None
    return f"{EVENT_KEY_PREFIX}{body['event_id']}"


def dedupe_events(store: Store) -> Callable[..., BoltResponse | None]:
    """A global middleware that lets each event_id through once and acknowledges repeats without running them."""

    def middleware(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        key = event_key(body)
        if key is None:
            return next()
        kind = str((body.get("event") or {}).get("type", ""))
        if not first_time(store, key, kind):
            log.info("duplicate delivery of %s (%s) acknowledged and skipped", body.get("event_id"), kind)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


def register(app: App, store: Store) -> None:
    """Install the middleware (before any listener runs)."""
    app.use(dedupe_events(store))
