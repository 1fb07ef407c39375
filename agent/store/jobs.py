"""The one job state machine for every kind of render (episode cuts and campaign assets).

    QUEUED ──claim──▶ RUNNING (lease, attempts + 1) ──▶ DONE / FLAGGED
                         ├──error, attempts left──▶ QUEUED (the queue's retry or the reaper claims it again)
                         ├──error, attempts spent──▶ FAILED
                         └──worker died (lease passed)──claim──▶ RUNNING (attempt + 1)

Claiming is a conditional UPDATE whose rowcount says who won, so a re-enqueued, duplicated or crashed job never
runs twice at once — the database decides, not the queue.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from agent.redaction import redact
from agent.store.db import Store
from agent.store.models import EPISODE, Episode, Render, ReviewMessage, utcnow

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
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        row = session.get(Render, render_id)
        if row is not None:  # who holds the claim: a restart on this machine can tell its own dead claims at once
            row.meta = {**(row.meta or {}), "worker": worker_identity()}
        return True


def worker_identity() -> str:
    """This process as a claim names it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def died_here(owner: str) -> bool:
    """True when `owner` ("host:pid", as worker_identity names a process) is a dead process of THIS machine.

    Other machines' processes cannot be seen from here: their claims wait for leases to run out."""
    owner_host, _, pid = owner.rpartition(":")
    return (owner_host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid()
            and not _process_alive(int(pid)))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's live process
        return True
    return True


def orphaned_jobs(store: Store) -> list[int]:
    """RUNNING renders claimed by a process of THIS machine that no longer exists (killed mid-render, restarted).

    Their lease may still run for minutes; waiting for it would leave a restarted chat showing "rendering" with
    nothing rendering. Claims from other machines are left to the lease reaper: we cannot see their processes.
    """
    with store.session() as session:
        rows = session.scalars(select(Render).where(Render.status == RUNNING).order_by(Render.id))
        return [row.id for row in rows if died_here(str((row.meta or {}).get("worker", "")))]


def release_orphans(store: Store) -> list[int]:
    """Put this machine's orphaned renders back in the queue (same row, same attempt count); returns their ids."""
    ids = orphaned_jobs(store)
    if ids:
        with store.session() as session:
            session.execute(update(Render).where(Render.id.in_(ids), Render.status == RUNNING)
                            .values(status=QUEUED, lease_until=None).execution_options(synchronize_session=False))
    return ids


@dataclass(frozen=True)
class Resumable:
    """What a restarted process rings the doorbell for: episode cuts (the render task) and campaign assets (the
    campaign task) — two lists, because each kind has its own task and a cut's id must never reach the other."""

    renders: list[int]
    assets: list[int]
    unposted: dict[int, int]  # finished cut → its season: killed after the render, before its card was posted


def resumable_jobs(store: Store, season_id: int | None = None) -> Resumable:
    """Release this machine's orphans, then list every job that waits for a doorbell (all QUEUED jobs) and every
    finished cut whose card never reached its thread — of one season, or of all (`season_id` None).

    Why QUEUED too: the doorbell may have died with the process (an in-memory queue, or a task dequeued by a worker
    killed before it claimed), and nothing else re-rings a QUEUED cut — the lease reaper only looks at RUNNING ones
    and "render again" counts a QUEUED cut as current. A duplicate ring is harmless: the claim decides who runs.
    Only the newest cut of an episode is rung; an older QUEUED one was superseded and would be rendered for nothing.
    A finished cut without a card and without a posting claim (card_ts) was finished by a process killed before it
    posted; one whose upload failed is in the list too, and posting it again is what "post ep N again" would do.
    """
    release_orphans(store)
    release_dead_posting_claims(store)
    newest = select(func.max(Render.id)).where(Render.kind == EPISODE).group_by(Render.episode_id)

    def jobs(*columns, where):  # type: ignore[no-untyped-def]
        query = select(*columns).join(Episode, Episode.id == Render.episode_id).where(*where)
        return query.where(Episode.season_id == season_id) if season_id is not None else query

    with store.session() as session:
        renders = session.scalars(jobs(Render.id, where=(Render.status == QUEUED, Render.kind == EPISODE,
                                                         Render.id.in_(newest))).order_by(Render.id))
        assets = session.scalars(jobs(Render.id, where=(Render.status == QUEUED, Render.kind != EPISODE))
                                 .order_by(Render.id))
        unposted = session.execute(jobs(Render.id, Episode.season_id, where=(
            Render.status.in_((DONE, FLAGGED)), Render.kind == EPISODE, Render.id.in_(newest),
            Render.card_ts.is_(None), Render.id.not_in(select(ReviewMessage.render_id)))).order_by(Render.id))
        return Resumable(renders=list(renders), assets=list(assets), unposted={rid: sid for rid, sid in unposted})


def posting_claim_owner(card_ts: str) -> str:
    """The "host:pid" a posting claim ("posting:<epoch>:<host>:<pid>:<nonce>") names; "" for older claims."""
    parts = card_ts.split(":")
    return f"{parts[2]}:{parts[3]}" if len(parts) == 5 and parts[0] == "posting" else ""


def release_dead_posting_claims(store: Store) -> list[int]:
    """Drop card-posting claims held by a dead process of this machine, so the restart posts those cards now.

    Without this, a process killed mid-upload blocks the card until the claim goes stale (minutes), and nothing
    posts it afterwards: the cut looks finished with no card in the thread.
    """
    released = []
    with store.session() as session:
        for row in session.scalars(select(Render).where(Render.card_ts.like("posting:%"))):
            if died_here(posting_claim_owner(row.card_ts or "")):
                row.card_ts = None
                released.append(row.id)
    return released


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
