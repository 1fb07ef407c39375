"""The one job state machine for every kind of render (episode cuts and campaign assets).

    QUEUED ──claim──▶ RUNNING (lease, attempts + 1) ──▶ DONE / FLAGGED
                         ├──error, attempts left──▶ QUEUED (the queue's retry or the reaper claims it again)
                         ├──error, attempts spent──▶ FAILED
                         └──worker died (lease passed)──claim──▶ RUNNING (attempt + 1)

Claiming is a conditional UPDATE whose rowcount says who won, so a re-enqueued, duplicated or crashed job never
runs twice at once — the database decides, not the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from agent.redaction import redact
from agent.store.db import Store
from agent.store.models import Render, utcnow

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3  # claims per job before it stays FAILED (the queue's retries and the reaper re-claim until then)
QUEUED, RUNNING, DONE, FLAGGED, FAILED, CANCELLED = "QUEUED", "RUNNING", "DONE", "FLAGGED", "FAILED", "CANCELLED"


def claim_job(store: Store, render_id: int, now: datetime | None = None, lease: timedelta = LEASE) -> bool:
    """Atomically take a render job: QUEUED, or RUNNING with an expired lease (its worker died)."""
    now = now or utcnow()
    with store.session() as session:
        result = session.execute(
            update(Render)
            .where(Render.id == render_id, or_(Render.status == QUEUED,
                                               and_(Render.status == RUNNING, Render.lease_until < now)))
            .values(status=RUNNING, lease_until=now + lease, attempts=Render.attempts + 1)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1  # type: ignore[attr-defined]


def fail_job(row: Render, exc: BaseException, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Record a failed attempt on the (session-bound) row: back to QUEUED while attempts are left, else FAILED.

    Returns True when the job gave up. The error is stored redacted either way.
    """
    row.error, row.lease_until = job_error(exc), None
    row.status = QUEUED if row.attempts < max_attempts else FAILED
    return row.status == FAILED


def job_error(exc: BaseException) -> str:
    """An exception as a job row keeps it: type and message, secrets redacted, bounded."""
    return redact(f"{type(exc).__name__}: {exc}")[:2000]


def expired_jobs(store: Store, now: datetime | None = None, *, episodes: bool | None = None) -> list[int]:
    """RUNNING renders whose lease ran out (episode cuts only, assets only, or both when `episodes` is None)."""
    now = now or utcnow()
    query = select(Render.id).where(Render.status == RUNNING, Render.lease_until < now)
    if episodes is not None:
        query = query.where((Render.kind == "episode") if episodes else (Render.kind != "episode"))
    with store.session() as session:
        return list(session.scalars(query.order_by(Render.id)))
