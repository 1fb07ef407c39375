"""The publication ledger — the one for every kind of item: one row per (slot, publisher) for an episode, per
(asset version, publisher) for a campaign asset (no slot); claimed atomically, leased, retried with backoff.

State machine of a Publication row:

    PENDING ──claim──▶ IN_PROGRESS ──▶ PUBLISHED
                          │  ├──transient error──▶ FAILED (next_attempt_at = now + backoff) ──claim──▶ IN_PROGRESS
                          │  └──permanent error, or MAX_ATTEMPTS spent──▶ GAVE_UP (told in the thread once)
                          └──worker died (lease_until passed)──claim──▶ IN_PROGRESS (attempt + 1, same key)

Re-scheduling a season puts FAILED / GAVE_UP rows back to PENDING. A publisher that needs to remember progress
between attempts (TikTok's publish_id) keeps it in `external_state` of the same row through `PublicationState`,
so a second worker on another machine resumes what the first one started.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus, SeasonStatus
from agent.ports import PublishResult
from agent.redaction import redact
from agent.store.db import Store
from agent.store.models import AuditEntry, Episode, Publication, Render, Season, Slot

LEASE = timedelta(minutes=10)  # an IN_PROGRESS row whose lease passed belongs to a crashed worker
MAX_ATTEMPTS = 3
RETRY_BACKOFF = timedelta(minutes=1)  # after a transient failure: 1 min, then 2 min, … (the sweep runs minutely)
PENDING, IN_PROGRESS, PUBLISHED, FAILED, GAVE_UP = "PENDING", "IN_PROGRESS", "PUBLISHED", "FAILED", "GAVE_UP"


def as_utc(value: datetime) -> datetime:
    """SQLite can hand back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def idempotency_key(slot_id: int, publisher: str) -> str:
    """The key a (slot, publisher) publication is known by, in the ledger and at the publisher."""
    return f"slot{slot_id}:{publisher}"


def item_key(render_id: int, publisher: str) -> str:
    """The key of a slot-less item's publication (a campaign asset version) — same format as before unification."""
    return f"campaign{render_id}:{publisher}"


def stored_error(text: str | None) -> str:
    """Error text as the ledger keeps it: secrets redacted, bounded (it is shown in threads and status)."""
    return redact(text or "unknown error")[:2000]


def has_publication(session: Session, slot_id: int, statuses: tuple[str, ...]) -> bool:
    """Does this slot have a publication in one of these states?"""
    return session.scalars(select(Publication.id).where(Publication.slot_id == slot_id,
                                                        Publication.status.in_(statuses))).first() is not None


def claim_key(session: Session, store: Store, *, key: str, render_id: int, publisher: str, now: datetime,
              slot_id: int | None = None, publish_at: datetime | None = None) -> str:
    """Take one publication by its key: 'claimed', or why not ('published', 'busy', 'waiting', 'spent').

    INSERT … ON CONFLICT DO NOTHING on the unique key, then a conditional UPDATE whose rowcount says who won — the
    database decides, so two sweeps on two machines cannot both win. On PostgreSQL a FOR UPDATE SKIP LOCKED read
    lets the loser move on instead of queueing behind the winner's transaction.
    """
    insert = pg_insert if store.is_postgres else sqlite_insert
    session.execute(insert(Publication).values(
        slot_id=slot_id, render_id=render_id, publisher=publisher, idempotency_key=key, status=PENDING,
        attempts=0, created_at=now, publish_at=publish_at).on_conflict_do_nothing(index_elements=["idempotency_key"]))
    if store.is_postgres and session.execute(select(Publication.id).where(Publication.idempotency_key == key)
                                             .with_for_update(skip_locked=True)).first() is None:
        return "busy"
    due = or_(Publication.next_attempt_at.is_(None), Publication.next_attempt_at <= now)
    claimable = or_(and_(Publication.status == PENDING, due),
                    and_(Publication.status == FAILED, Publication.attempts < MAX_ATTEMPTS, due),
                    and_(Publication.status == IN_PROGRESS,
                         or_(Publication.lease_until.is_(None), Publication.lease_until < now)))
    values: dict[str, Any] = {"status": IN_PROGRESS, "attempts": Publication.attempts + 1,
                              "lease_until": now + LEASE, "render_id": render_id, "next_attempt_at": None}
    if publish_at is not None:
        values["publish_at"] = publish_at
    taken = session.execute(update(Publication).where(Publication.idempotency_key == key, claimable).values(**values)
                            .execution_options(synchronize_session=False))
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return "claimed"
    status = session.scalar(select(Publication.status).where(Publication.idempotency_key == key))
    return {PUBLISHED: "published", GAVE_UP: "spent", FAILED: "waiting", PENDING: "waiting"}.get(status or "", "busy")


def claim(session: Session, store: Store, slot_id: int, render_id: int, publisher: str, now: datetime) -> str:
    """Take an episode's (slot, publisher) publication (see claim_key)."""
    return claim_key(session, store, key=idempotency_key(slot_id, publisher), render_id=render_id,
                     publisher=publisher, now=now, slot_id=slot_id)


def _settle(pub: Publication, now: datetime, result: PublishResult | None, error: str | None, permanent: bool,
            note: dict[str, Any] | None) -> None:
    """The state machine's step after an attempt: PUBLISHED, FAILED with backoff, or GAVE_UP."""
    pub.lease_until = None
    if result is not None:
        pub.status, pub.external_id, pub.location = PUBLISHED, result.external_id, result.location
        pub.published_at, pub.error, pub.next_attempt_at = now, None, None
        if note:
            pub.external_state = {**(pub.external_state or {}), **note}
    elif permanent or pub.attempts >= MAX_ATTEMPTS:
        pub.status, pub.error, pub.next_attempt_at = GAVE_UP, stored_error(error), None
    else:
        pub.status, pub.error = FAILED, stored_error(error)
        pub.next_attempt_at = now + RETRY_BACKOFF * 2 ** max(0, pub.attempts - 1)


def finish(store: Store, key: str, now: datetime, result: PublishResult | None, error: str | None, *,
           permanent: bool = False, note: dict[str, Any] | None = None) -> Publication:
    """Record the outcome (error text redacted), roll episode/season status forward, audit it; returns the
    (detached) row.

    A transient error schedules the next attempt with exponential backoff; a permanent one (or the last attempt)
    gives up, which only a re-schedule undoes.
    """
    with store.session() as session:
        pub = session.scalars(select(Publication).where(Publication.idempotency_key == key)).one()
        if pub.status == PUBLISHED:  # a re-claimer after our lease expired finished first
            session.expunge(pub)
            return pub
        _settle(pub, now, result, error, permanent, note)
        session.flush()
        if pub.slot_id is None:
            _audit_item(session, pub, key)
        else:
            _roll_episode_forward(session, pub, key, note)
        session.flush()
        session.expunge(pub)
        return pub


def _audit_item(session: Session, pub: Publication, key: str) -> None:
    """A slot-less item (campaign asset): the audit trail is the whole story; episode states are untouched."""
    item = session.get_one(Render, pub.render_id)
    episode = session.get_one(Episode, item.episode_id)
    session.add(AuditEntry(season_id=episode.season_id, actor=f"publisher:{pub.publisher}", action=(
        "campaign.published" if pub.status == PUBLISHED else "campaign.publish_failed"), detail={
        "episode": episode.number, "kind": item.kind, "asset": item.id, "key": key, "location": pub.location,
        "error": pub.error, "attempt": pub.attempts, "status": pub.status}))


def _roll_episode_forward(session: Session, pub: Publication, key: str, note: dict[str, Any] | None) -> None:
    """An episode slot: the episode is PUBLISHED once every slot is, FAILED when one gives up; the season follows."""
    episode = session.get_one(Episode, session.get_one(Slot, pub.slot_id).episode_id)
    slot_ids = list(session.scalars(select(Slot.id).where(Slot.episode_id == episode.id)))
    if all(has_publication(session, sid, (PUBLISHED,)) for sid in slot_ids):
        episode.status = EpisodeStatus.PUBLISHED
    elif pub.status == GAVE_UP:
        episode.status = EpisodeStatus.FAILED
    statuses = set(session.scalars(select(Episode.status).where(Episode.season_id == episode.season_id)))
    season = session.get_one(Season, episode.season_id)
    season.status = SeasonStatus.COMPLETE if statuses == {"PUBLISHED"} else SeasonStatus.PUBLISHING
    session.add(AuditEntry(season_id=episode.season_id, actor=f"publisher:{pub.publisher}", action=(
        "episode.published" if pub.status == PUBLISHED else "episode.publish_failed"), detail={
        "episode": episode.number, "slot_id": pub.slot_id, "render_id": pub.render_id, "key": key,
        "external_id": pub.external_id, "location": pub.location, "error": pub.error, "attempt": pub.attempts,
        "status": pub.status, **({"note": note} if note else {})}))


def note_once(store: Store, season_id: int, action: str, detail: dict[str, Any], *, ever: bool = False) -> bool:
    """Record a standing condition (a hold, a reminder); True only the first time, so a minutely sweep says it once.

    By default the newest entry of `action` is compared (a hold that changes reason is news again); `ever=True`
    compares every earlier entry (a reminder for episode 3 stays said after one for episode 4).
    """
    with store.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.season_id == season_id, AuditEntry.action ==
                                                           action).order_by(AuditEntry.id.desc()))
        earlier = list(entries) if ever else [e for e in [entries.first()] if e is not None]
        if any(e.detail == detail for e in earlier):
            return False
        session.add(AuditEntry(season_id=season_id, actor="publish-sweep", action=action, detail=detail))
        return True


class PublicationState:
    """A publisher's progress record kept in `publications.external_state`, keyed by idempotency key.

    Implements the TikTok adapter's PublishState port. Each put commits at once in its own transaction, because the
    point is that the record is durable *before* the next side effect (the upload) starts.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> dict[str, Any] | None:
        """The saved record, or None when the publication never started (or has no row yet)."""
        with self.store.session() as session:
            state = session.scalar(select(Publication.external_state).where(Publication.idempotency_key == key))
        return dict(state) if isinstance(state, dict) else None

    def put(self, key: str, record: dict[str, Any]) -> None:
        """Replace the record; refuses keys the ledger does not know (a publish outside the sweep is a bug)."""
        with self.store.session() as session:
            changed = session.execute(update(Publication).where(Publication.idempotency_key == key)
                                      .values(external_state=dict(record))
                                      .execution_options(synchronize_session=False))
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise KeyError(f"no publication row for '{key}': publishers run from the publish sweep only")
