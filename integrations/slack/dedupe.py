"""Handle each Slack event once: retries and app_mention + message double delivery share keys in the database."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from agent.store.db import Store
from agent.store.models import EventLog


def first_time(store: Store, key: str, kind: str = "") -> bool:
    """Record `key`; False when it was already seen (the insert's primary key decides, not luck)."""
    try:
        with store.session() as session:
            session.add(EventLog(event_id=key[:120], kind=kind[:60]))
        return True
    except IntegrityError:
        return False
