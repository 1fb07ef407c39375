"""Every Events API delivery is handled at most once, whatever its type — with no database work before the ack.

Slack redelivers an event it did not see acknowledged within 3 s (at once, then after 1 and 5 minutes) with the same
`event_id`. The key is written to the database (EventLog's primary key decides), which makes it hold across
threads, processes and restarts. That insert used to run in a global middleware, i.e. before the ack: under a burst
of 50 events the inserts queued on SQLite's single writer and p99 ack latency went from ~110 ms to ~480 ms
(bench/slack_ack.py). So the global middleware now only *tags* the request with its key (`context["event_key"]`),
Bolt acks, and each event listener's first step after the ack is `first_delivery(...)`, which does the insert and
says whether to go on. `tests/e2e/test_slack_delivery.py` redelivers every event type we listen to and fails if a
listener forgets the call.

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
CONTEXT_KEY = "event_key"


def event_key(body: dict[str, Any]) -> str | None:
    """The dedupe key of an Events API envelope (`event:<event_id>`), None for anything else."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return None
    return f"{EVENT_KEY_PREFIX}{body['event_id']}"


def missing_fields(event: dict[str, Any]) -> list[str]:
    """The fields a listener needs that this event lacks (messages, mentions and reactions on messages)."""
    kind = event.get("type")
    if kind in ("message", "app_mention") and event.get("subtype") not in ("message_changed", "message_deleted"):
        return [name for name in ("channel", "ts") if not isinstance(event.get(name), str) or not event.get(name)]
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item")
        if not isinstance(item, dict):
            return ["item"]
        if item.get("type", "message") == "message":
            return [f"item.{name}" for name in ("channel", "ts") if not isinstance(item.get(name), str)
                    or not item.get(name)]
    return []


def tag_events(body: dict[str, Any], context: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
    """Global middleware: remember the delivery's dedupe key for the listener (no I/O on the ack path).

    An event without the fields its listener needs (a message without channel or ts) is acked — Slack would
    only redeliver the same incomplete event — and ignored with one log line instead of failing in the listener.
    """
    event = body.get("event")
    if body.get("type") == "event_callback" and isinstance(event, dict):
        missing = missing_fields(event)
        if missing:
            log.warning("ignored a %s event without %s (event_id %s)", event.get("type"), ", ".join(missing),
                        str(body.get("event_id"))[:40])
            return BoltResponse(status=200, body="")
    key = event_key(body)
    if key is not None:
        context[CONTEXT_KEY] = key
    return next()


def first_delivery(store: Store, context: dict[str, Any], kind: str = "") -> bool:
    """Called first by every event listener (after the ack): False for a repeat delivery, which is then skipped."""
    key = context.get(CONTEXT_KEY)
    if key is None:
        return True
    if first_time(store, key, kind):
        return True
    log.info("duplicate delivery %s (%s) skipped", key, kind)
    return False


def register(app: App, store: Store) -> None:
    """Install the tagging middleware (before any listener runs)."""
    app.use(tag_events)
