"""Scheduling approved episodes and the publish sweep: the only road from an approved render to the outside world.

The database is the ledger. Approval is re-read at publish time (a prompt, a stale graph state or an old slot can
never publish), episodes go out in order, and each (slot, publisher) is claimed atomically through a Publication row
so overlapping sweeps, retries and crashed workers publish exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent.domain import Cadence, Destination, EpisodeStatus, SeasonStatus, Unlock
from agent.ports import Publisher, PublishPackage, PublishResult
from agent.store.db import Store
from agent.store.models import Approval, Approver, AuditEntry, Episode, Publication, Render, Season, Slot
from tools.calendar import CalendarError, describe, release_times

LEASE = timedelta(minutes=10)  # IN_PROGRESS older than this = crashed worker; claim time lives in published_at
MAX_ATTEMPTS = 3  # then the publication stays FAILED until someone re-schedules
PENDING, IN_PROGRESS, PUBLISHED, FAILED = "PENDING", "IN_PROGRESS", "PUBLISHED", "FAILED"


class ScheduleError(ValueError):
    """The season cannot be scheduled as asked; the message is written for the thread."""


@dataclass(frozen=True)
class ApprovalCheck:
    """Is an episode's current render approved, and if not, why (for messages that say what unblocks it)."""

    render: Render | None
    approvals: tuple[Approval, ...]
    quorum: int
    reason: str = ""

    @property
    def approved(self) -> bool:
        """True when the latest render is finished and has a quorum of approvals from listed approvers."""
        return not self.reason and self.render is not None


def _as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_approval(session: Session, episode: Episode) -> ApprovalCheck:
    """The one approval query: latest render DONE, live approvals from the season's approvers, distinct >= quorum.

    An approval belongs to one render, so a re-render silently invalidates older approvals; withdrawn approvals and
    approvals from people not on the approver list never count.
    """
    season = session.get(Season, episode.season_id)
    quorum = max(1, season.quorum if season else 1)
    latest = session.scalars(select(Render).where(Render.episode_id == episode.id).order_by(Render.id.desc())).first()
    if latest is None:
        return ApprovalCheck(None, (), quorum, "it has no render yet")
    if latest.status != "DONE":
        return ApprovalCheck(latest, (), quorum, f"its latest render (#{latest.id}) is {latest.status}, not finished")
    counted = tuple(session.scalars(select(Approval).join(Approver, and_(
        Approver.user_id == Approval.user_id, Approver.season_id == episode.season_id)).where(
        Approval.render_id == latest.id, Approval.withdrawn_at.is_(None)).order_by(Approval.created_at, Approval.id)))
    short = len({a.user_id for a in counted}) < quorum
    return ApprovalCheck(latest, counted, quorum, f"its latest render (#{latest.id}) has {len(counted)} of {quorum} "
                         "required approval(s) from the season's approvers" if short else "")


def approved_render(session: Session, episode: Episode) -> Render | None:
    """The episode's render that may be published, or None. Everything that gates on approval calls this."""
    check = check_approval(session, episode)
    return check.render if check.approved else None


def _unlocks(plan: Mapping[int, Unlock | str] | Sequence[Unlock | str] | None, numbers: list[int]) -> dict[int, str]:
    """Unlock per episode number; a sequence is read as episodes 1, 2, 3…; unnamed episodes are free."""
    by_number = plan if isinstance(plan, Mapping) else {i + 1: value for i, value in enumerate(plan or ())}
    try:
        return {n: Unlock(by_number.get(n, Unlock.FREE)).value for n in numbers}
    except ValueError as exc:
        raise ScheduleError(f"unlock must be one of {', '.join(u.value for u in Unlock)}: {exc}") from exc


def _has_publication(session: Session, slot_id: int, statuses: tuple[str, ...]) -> bool:
    """Does this slot have a publication in one of these states?"""
    return session.scalars(select(Publication.id).where(Publication.slot_id == slot_id,
                                                        Publication.status.in_(statuses))).first() is not None


def schedule_season(
    store: Store, season_id: int, cadence: Cadence, *, platforms: Sequence[str] = ("outbox",),
    unlock_plan: Mapping[int, Unlock | str] | Sequence[Unlock | str] | None = None,
    now: datetime | None = None, actor: str = "agent",
) -> list[Slot]:
    """Give every unpublished episode one slot per platform on the cadence; refuse if any is unapproved.

    Idempotent: unpublished slots are re-timed in place (ids, hence idempotency keys, stay, so a half-finished
    publish resumes instead of posting twice), published ones are untouched, failed ones get fresh attempts.
    """
    platforms = (platforms,) if isinstance(platforms, str) else tuple(platforms)
    if not platforms:
        raise ScheduleError("name at least one platform to schedule on (e.g. outbox)")
    now = _as_utc(now or datetime.now(UTC))
    with store.session() as session:
        season = session.get(Season, season_id)
        if season is None:
            raise ScheduleError(f"there is no season {season_id}")
        episodes = list(season.episodes)  # ordered by number
        pending = [ep for ep in episodes if ep.status != EpisodeStatus.PUBLISHED]
        if not pending:
            raise ScheduleError(f"'{season.title}' has no episodes left to schedule")
        problems = [f"episode {ep.number} '{ep.title}': {check.reason}"
                    for ep in pending if not (check := check_approval(session, ep)).approved]
        if problems:
            raise ScheduleError(f"I can't schedule '{season.title}' yet — " + "; ".join(problems)
                                + ". Each episode's latest render needs its approvals first; then ask me again.")
        try:
            times = release_times(cadence, len(pending), after=now)
        except CalendarError as exc:
            raise ScheduleError(str(exc)) from exc
        destination = Destination((season.brief or {}).get("destination", Destination.DRAMA_CENTER)).value
        unlocks = _unlocks(unlock_plan, [ep.number for ep in pending])
        slots: list[Slot] = []
        for episode, publish_at in zip(pending, times, strict=True):
            existing = {s.platform: s for s in session.scalars(select(Slot).where(Slot.episode_id == episode.id))}
            for platform, slot in existing.items():
                if platform not in platforms and not _has_publication(session, slot.id, (PUBLISHED, IN_PROGRESS)):
                    session.execute(delete(Publication).where(Publication.slot_id == slot.id))
                    session.delete(slot)
            session.flush()
            for platform in platforms:
                slot = existing.get(platform) or Slot(episode_id=episode.id, platform=platform)
                if slot.id is None or not _has_publication(session, slot.id, (PUBLISHED,)):
                    slot.publish_at, slot.unlock, slot.destination = publish_at, unlocks[episode.number], destination
                    session.add(slot)
                    slots.append(slot)
            session.execute(update(Publication).where(Publication.status == FAILED, Publication.slot_id.in_(
                [s.id for s in existing.values()])).values(status=PENDING, attempts=0)
                .execution_options(synchronize_session=False))
            episode.status = EpisodeStatus.SCHEDULED
        season.status = SeasonStatus.PUBLISHING if len(pending) < len(episodes) else SeasonStatus.SCHEDULED
        season.cadence = cadence.model_dump(mode="json")
        session.add(AuditEntry(season_id=season_id, actor=actor, action="season.scheduled", detail={
            "cadence": describe(cadence), "platforms": list(platforms), "episodes": [e.number for e in pending],
            "first": times[0].isoformat(), "last": times[-1].isoformat()}))
        session.flush()
    return slots


@dataclass(frozen=True)
class SweepMessage:
    """News for one season's thread."""

    season_id: int
    text: str


@dataclass
class SweepResult:
    """What one sweep did. Counts are per sweep; messages carry only news (a standing hold is told once)."""

    published: int = 0
    skipped_already: int = 0
    held: int = 0
    failed: int = 0
    messages: list[SweepMessage] = field(default_factory=list)


class _Step(NamedTuple):
    """One (episode, platform) position in a season's release order, read before any side effect."""

    episode_id: int
    number: int
    title: str
    platform: str
    slot_id: int | None
    publish_at: datetime | None
    published: bool


def idempotency_key(slot_id: int, publisher: str) -> str:
    """The key a (slot, publisher) publication is known by, in the ledger and at the publisher."""
    return f"slot{slot_id}:{publisher}"


def _plan(session: Session, season_id: int) -> list[_Step]:
    """The season's release order: episodes by number, then platform."""
    episodes = list(session.scalars(select(Episode).where(Episode.season_id == season_id).order_by(Episode.number)))
    slots = list(session.scalars(select(Slot).where(Slot.episode_id.in_([e.id for e in episodes]))))
    done = set(session.scalars(select(Publication.slot_id).where(
        Publication.slot_id.in_([s.id for s in slots]), Publication.status == PUBLISHED)))
    by_key = {(s.episode_id, s.platform): s for s in slots}
    steps = []
    for ep in episodes:
        for platform in sorted({s.platform for s in slots}):
            slot = by_key.get((ep.id, platform))
            steps.append(_Step(ep.id, ep.number, ep.title, platform, slot.id if slot else None,
                               _as_utc(slot.publish_at) if slot else None,
                               (slot.id in done) if slot else ep.status == EpisodeStatus.PUBLISHED))
    return steps


def _claim(session: Session, store: Store, slot_id: int, render_id: int, publisher: str, now: datetime) -> str:
    """Take the (slot, publisher) publication: 'claimed', or why not ('published', 'busy', 'spent').

    INSERT … ON CONFLICT DO NOTHING on the unique key, then a conditional UPDATE whose rowcount says who won. On
    PostgreSQL a FOR UPDATE SKIP LOCKED read lets a second sweep move on instead of queueing behind the winner.
    """
    key = idempotency_key(slot_id, publisher)
    insert = pg_insert if store.is_postgres else sqlite_insert
    session.execute(insert(Publication).values(
        slot_id=slot_id, render_id=render_id, publisher=publisher, idempotency_key=key, status=PENDING,
        attempts=0, created_at=now).on_conflict_do_nothing(index_elements=["idempotency_key"]))
    if store.is_postgres and session.execute(select(Publication.id).where(Publication.idempotency_key == key)
                                             .with_for_update(skip_locked=True)).first() is None:
        return "busy"
    claimable = or_(Publication.status == PENDING,
                    and_(Publication.status == FAILED, Publication.attempts < MAX_ATTEMPTS),
                    and_(Publication.status == IN_PROGRESS, Publication.published_at < now - LEASE))
    taken = session.execute(
        update(Publication).where(Publication.idempotency_key == key, claimable)
        .values(status=IN_PROGRESS, attempts=Publication.attempts + 1, published_at=now, render_id=render_id)
        .execution_options(synchronize_session=False))
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return "claimed"
    status = session.scalar(select(Publication.status).where(Publication.idempotency_key == key))
    return {PUBLISHED: "published", FAILED: "spent"}.get(status or "", "busy")


def _hashtag(text: str) -> str:
    """'Midnight Latte' → '#MidnightLatte'."""
    return "#" + "".join(w[:1].upper() + w[1:] for w in "".join(c if c.isalnum() else " " for c in text).split())


def build_package(session: Session, slot: Slot, check: ApprovalCheck, publisher: str) -> PublishPackage:
    """Everything a publisher needs, read from the database (never from the conversation)."""
    render = check.render
    if render is None or not render.video_path:
        raise ValueError("the approved render has no video file")
    episode = session.get_one(Episode, slot.episode_id)
    season = session.get_one(Season, episode.season_id)
    script = next((v.script for v in episode.scripts if v.id == render.script_version_id), {})
    cold_open = str(script.get("cold_open", "")).strip()
    caption = f"{episode.title} (Ep {episode.number})" + (f" — {cold_open}" if cold_open else "")
    tags = [_hashtag(t) for t in ((season.brief or {}).get("brand", ""), season.title) if _hashtag(t) != "#"]
    return PublishPackage(
        season_id=season.id, season_title=season.title, episode_number=episode.number, episode_title=episode.title,
        video_path=Path(render.video_path), cover_path=Path(render.cover_path) if render.cover_path else None,
        caption=caption[:2000], hashtags=list(dict.fromkeys([*tags, "#minidrama"])), unlock=slot.unlock,
        destination=slot.destination, publish_at=_as_utc(slot.publish_at).isoformat(),
        approvals=[{"user": a.user_id, "at": _as_utc(a.created_at).isoformat(), "via": a.via}
                   for a in check.approvals],
        idempotency_key=idempotency_key(slot.id, publisher))


def _finish(store: Store, key: str, now: datetime, result: PublishResult | None, error: str | None) -> int:
    """Record the outcome, roll episode/season status forward, audit it; returns the attempt number."""
    with store.session() as session:
        pub = session.scalars(select(Publication).where(Publication.idempotency_key == key)).one()
        episode = session.get_one(Episode, session.get_one(Slot, pub.slot_id).episode_id)
        if pub.status == PUBLISHED:  # a re-claimer after our lease expired finished first
            return pub.attempts
        if result is not None:
            pub.status, pub.external_id, pub.location = PUBLISHED, result.external_id, result.location
            pub.published_at, pub.error = now, None
        else:
            pub.status, pub.error = FAILED, (error or "unknown error")[:2000]
        session.flush()
        slot_ids = session.scalars(select(Slot.id).where(Slot.episode_id == episode.id))
        if all(_has_publication(session, sid, (PUBLISHED,)) for sid in slot_ids):
            episode.status = EpisodeStatus.PUBLISHED
        elif pub.status == FAILED and pub.attempts >= MAX_ATTEMPTS:
            episode.status = EpisodeStatus.FAILED
        statuses = set(session.scalars(select(Episode.status).where(Episode.season_id == episode.season_id)))
        season = session.get(Season, episode.season_id)
        season.status = SeasonStatus.COMPLETE if statuses == {"PUBLISHED"} else SeasonStatus.PUBLISHING
        session.add(AuditEntry(season_id=episode.season_id, actor=f"publisher:{pub.publisher}", action=(
            "episode.published" if pub.status == PUBLISHED else "episode.publish_failed"), detail={
            "episode": episode.number, "slot_id": pub.slot_id, "render_id": pub.render_id, "key": key,
            "external_id": pub.external_id, "location": pub.location, "error": pub.error, "attempt": pub.attempts}))
        return pub.attempts


def _note_once(store: Store, season_id: int, slot_id: int | None, reason: str) -> bool:
    """Record a standing hold; True only the first time, so a minutely sweep doesn't repeat itself in the thread."""
    with store.session() as session:
        last = session.scalars(select(AuditEntry).where(AuditEntry.season_id == season_id, AuditEntry.action ==
                                                        "season.held").order_by(AuditEntry.id.desc())).first()
        if last is not None and last.detail == {"slot_id": slot_id, "reason": reason}:
            return False
        session.add(AuditEntry(season_id=season_id, actor="publish-sweep", action="season.held",
                               detail={"slot_id": slot_id, "reason": reason}))
        return True


def _publish_step(store: Store, step: _Step, publisher: Publisher, now: datetime) -> tuple[str, str]:
    """Re-check approval, claim, publish, record. Returns (outcome, detail) for the sweep's bookkeeping."""
    package: PublishPackage | None = None
    problem = ""
    with store.session() as session:
        episode, slot = session.get(Episode, step.episode_id), session.get(Slot, step.slot_id)
        if episode is None or slot is None:
            return "busy", "slot vanished (re-scheduled meanwhile)"
        check = check_approval(session, episode)
        if not check.approved or check.render is None:
            return "held", check.reason
        claim = _claim(session, store, slot.id, check.render.id, publisher.name, now)
        if claim != "claimed":  # 'spent' ones were told about when they gave up
            return ("already" if claim == "published" else claim), ""
        try:
            package = build_package(session, slot, check, publisher.name)
        except ValueError as exc:
            problem = str(exc)
    result: PublishResult | None = None
    if package is not None:
        try:
            result = publisher.publish(package)
        except Exception as exc:  # noqa: BLE001 — any adapter failure is recorded in the ledger and told
            problem = f"{type(exc).__name__}: {exc}"
    attempt = _finish(store, idempotency_key(slot.id, publisher.name), now, result, None if result else problem)
    if result is not None:
        return "published", result.location
    if attempt >= MAX_ATTEMPTS:
        return "spent", f"gave up after {MAX_ATTEMPTS} attempts; last error: {problem[:2000]}"
    return "failed", f"attempt {attempt} of {MAX_ATTEMPTS}: {problem}"


def _sweep_season(store: Store, season_id: int, publishers: Mapping[str, Publisher], now: datetime,
                  out: SweepResult) -> None:
    """Walk one season in release order; a platform stops at its first unfinished episode, the season at a hold."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        title, quorum, steps = season.title, season.quorum, _plan(session, season_id)
    blocked: set[str] = set()

    def tell(text: str, slot_id: int | None = None, standing: bool = False) -> None:  # standing: say it once
        if not standing or _note_once(store, season_id, slot_id, text):
            out.messages.append(SweepMessage(season_id, text))

    for step in steps:
        if step.platform in blocked:
            continue
        if step.published:
            out.skipped_already += 1
            continue
        if step.slot_id is None or step.publish_at is None or step.publish_at > now:
            blocked.add(step.platform)  # not due yet (or never slotted): nothing after it on this platform
            continue
        name, publisher = f"episode {step.number} '{step.title}'", publishers.get(step.platform)
        outcome, detail = _publish_step(store, step, publisher, now) if publisher else ("unconfigured", "")
        if outcome in ("unconfigured", "failed", "spent", "busy"):  # busy: another sweep has it and goes on
            blocked.add(step.platform)
        if outcome == "unconfigured":
            out.held += 1
            tell(f"{name} of '{title}' is due on {step.platform}, but no '{step.platform}' publisher is configured. "
                 f"Configure it, or re-schedule the season on another platform.", step.slot_id, standing=True)
        elif outcome == "held":
            out.held += 1
            tell(f"Holding '{title}': {name} was due on {step.platform} at {step.publish_at:%Y-%m-%d %H:%M} UTC, "
                 f"but {detail}. Nothing later in this season goes out until the latest render of episode "
                 f"{step.number} has {quorum} approval(s) from the season's approvers (Approve or :+1: on its card).",
                 step.slot_id, standing=True)
            return
        elif outcome == "published":
            out.published += 1
            tell(f"Published {name} of '{title}' to {step.platform}: {detail}")
        elif outcome == "already":  # a concurrent sweep finished it between our plan and our claim
            out.skipped_already += 1
        elif outcome in ("failed", "spent"):
            out.failed += 1
            then = "I'll retry on the next sweep" if outcome == "failed" else "re-schedule the season to retry"
            if detail:
                tell(f"Publishing {name} of '{title}' to {step.platform} failed ({detail}). {then}; later episodes "
                     f"on {step.platform} wait for it.")


def publish_due(store: Store, publishers: Mapping[str, Publisher] | Sequence[Publisher],
                now: datetime) -> SweepResult:
    """Publish every due slot whose episode is approved, in order, exactly once; safe to run from many workers."""
    now = _as_utc(now)
    by_name = dict(publishers) if isinstance(publishers, Mapping) else {p.name: p for p in publishers}
    with store.session() as session:
        due = set(session.scalars(select(Episode.season_id).join(Slot, Slot.episode_id == Episode.id)
                                  .where(Slot.publish_at <= now)))
        unfinished = set(session.scalars(select(Episode.season_id).where(
            Episode.season_id.in_(due), Episode.status != EpisodeStatus.PUBLISHED)))
    out = SweepResult()
    for season_id in sorted(unfinished):
        _sweep_season(store, season_id, by_name, now, out)
    return out

