"""Handle each Slack event once: retries and app_mention + message double delivery share keys in the database.

A key is a *claim*: it is written before the work and kept when the work succeeds. When the work fails because
the database was busy, integrations/slack/busy.py gives the claims of that attempt back (`release`) before it
retries or re-queues the turn — otherwise the retry would find its own key and silently drop the event's work.
`claims()` collects the keys one attempt wrote, per thread (a context variable), without changing any caller.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from agent.store.db import Store
from agent.store.models import EventLog

_claimed: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("dedupe_claims", default=None)


def first_time(store: Store, key: str, kind: str = "") -> bool:
    """Record `key`; False when it was already seen (the insert's primary key decides, not luck)."""
    key = key[:120]
    try:
        with store.session() as session:
            session.add(EventLog(event_id=key, kind=kind[:60]))
    except IntegrityError:
        return False
    claimed = _claimed.get()
    if claimed is not None:
        claimed.append(key)
    return True


@contextmanager
def claims() -> Iterator[list[str]]:
    """Collect the keys `first_time` records inside the block (this thread only)."""
    keys: list[str] = []
    token = _claimed.set(keys)
    try:
        yield keys
    finally:
        _claimed.reset(token)


def release(store: Store, keys: list[str]) -> None:
    """Forget claims whose work did not happen, so the next attempt (or Slack's redelivery) can do it."""
    if keys:
        with store.session() as session:
            session.execute(delete(EventLog).where(EventLog.event_id.in_(keys)))
