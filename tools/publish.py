"""Scheduling approved episodes and the publish sweep: the only road from an approved render to the outside world.

The database is the ledger. Approval is re-read at publish time (a prompt, a stale graph state or an old slot can
never publish), episodes go out in order, a slot in confirm mode waits for an approver's "publish", and each
(slot, publisher) is claimed atomically through a Publication row (tools/publish_ledger.py) so overlapping sweeps,
retries and crashed workers publish exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from agent.domain import Cadence, Destination, EpisodeStatus, SeasonStatus, Unlock
from agent.ports import ArtifactStore, Publisher, PublishPackage, PublishResult
from agent.redaction import redact
from agent.store.db import Store
from agent.store.models import EPISODE, AuditEntry, Episode, Publication, Render, Season, Slot
from tools.calendar import CalendarError, describe, local_release, release_times
from tools.publish_ledger import (
    FAILED,
    GAVE_UP,
    IN_PROGRESS,
    LEASE,
    MAX_ATTEMPTS,
    PENDING,
    PUBLISHED,
    RETRY_BACKOFF,
    as_utc,
    claim,
    finish,
    has_publication,
    idempotency_key,
    note_once,
)
from tools.publish_notices import SweepMessage, SweepResult, local_time, notice
from tools.publish_package import ApprovalCheck, approved_render, build_package, check_approval

__all__ = [
    "FAILED", "GAVE_UP", "IN_PROGRESS", "LEASE", "MAX_ATTEMPTS", "MODES", "PENDING", "PUBLISHED", "RETRY_BACKOFF",
    "ApprovalCheck",
    "ScheduleError", "SweepMessage", "SweepResult", "approved_render", "build_package", "check_approval",
    "idempotency_key", "publish_due", "schedule_season",
]
MODES = ("autopilot", "confirm")  # confirm: each slot also needs an approver's "publish" at release time


class ScheduleError(ValueError):
    """The season cannot be scheduled as asked; the message is written for the thread."""


def _unlocks(plan: Mapping[int, Unlock | str] | Sequence[Unlock | str] | None, numbers: list[int]) -> dict[int, str]:
    """Unlock per episode number; a sequence is read as episodes 1, 2, 3…; unnamed episodes are free."""
    by_number = plan if isinstance(plan, Mapping) else {i + 1: value for i, value in enumerate(plan or ())}
    try:
        return {n: Unlock(by_number.get(n, Unlock.FREE)).value for n in numbers}
    except ValueError as exc:
        raise ScheduleError(f"unlock must be one of {', '.join(u.value for u in Unlock)}: {exc}") from exc


def _platform_time(cadence: Cadence, publish_at: datetime, wall: time | None) -> datetime:
    """The release instant for a destination with its own wall time: same local day as the cadence's slot."""
    if wall is None:
        return publish_at
    day = publish_at.astimezone(ZoneInfo(cadence.timezone)).date()
    return local_release(cadence.model_copy(update={"release_time": wall}), day)


def schedule_season(
    store: Store, season_id: int, cadence: Cadence, *, platforms: Sequence[str] = ("outbox",),
    unlock_plan: Mapping[int, Unlock | str] | Sequence[Unlock | str] | None = None,
    destination: Destination | str | None = None, mode: str = "autopilot",
    now: datetime | None = None, actor: str = "agent", platform_times: Mapping[str, time] | None = None,
) -> list[Slot]:
    """Give every unpublished episode one slot per platform on the cadence; refuse if any is unapproved.

    Idempotent: unpublished slots are re-timed in place (ids, hence idempotency keys, stay, so a half-finished
    publish resumes instead of posting twice), published ones are untouched, given-up ones (the episode's and its
    campaign assets') get fresh attempts. A
    slot that moves loses its confirmation (confirm mode confirms a release time, not an episode forever).
    `platform_times` gives a destination its own wall time on the cadence's release day ("TikTok at 18:00,
    YouTube at 19:00"); the others drop at the cadence's time.
    """
    platforms = (platforms,) if isinstance(platforms, str) else tuple(platforms)
    if not platforms:
        raise ScheduleError("name at least one platform to schedule on (e.g. outbox)")
    if mode not in MODES:
        raise ScheduleError(f"publishing mode is {' or '.join(MODES)}, not '{mode}'")
    now = as_utc(now or datetime.now(UTC))
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
            where = Destination(destination or (season.brief or {}).get("destination", Destination.DRAMA_CENTER))
        except (CalendarError, ValueError) as exc:
            raise ScheduleError(str(exc)) from exc
        unlocks = _unlocks(unlock_plan, [ep.number for ep in pending])
        slots: list[Slot] = []
        for episode, publish_at in zip(pending, times, strict=True):
            existing = {s.platform: s for s in session.scalars(select(Slot).where(Slot.episode_id == episode.id))}
            for platform, slot in existing.items():
                if platform not in platforms and not has_publication(session, slot.id, (PUBLISHED, IN_PROGRESS)):
                    session.execute(delete(Publication).where(Publication.slot_id == slot.id))
                    session.delete(slot)
            session.flush()
            for platform in platforms:
                slot = existing.get(platform) or Slot(episode_id=episode.id, platform=platform)
                at = _platform_time(cadence, publish_at, (platform_times or {}).get(platform))
                if slot.id is None or not has_publication(session, slot.id, (PUBLISHED,)):
                    if slot.publish_at is None or as_utc(slot.publish_at) != at or slot.mode != mode:
                        slot.confirmed_by, slot.confirmed_at = None, None
                    slot.publish_at, slot.unlock, slot.destination = at, unlocks[episode.number], where.value
                    slot.mode = mode
                    session.add(slot)
                    slots.append(slot)
            session.execute(update(Publication).where(Publication.status.in_((FAILED, GAVE_UP)),
                                                      Publication.slot_id.in_([s.id for s in existing.values()]))
                            .values(status=PENDING, attempts=0, next_attempt_at=None)
                            .execution_options(synchronize_session=False))
            assets = select(Render.id).where(Render.episode_id == episode.id, Render.kind != EPISODE)
            session.execute(update(Publication).where(Publication.status.in_((FAILED, GAVE_UP)),  # its campaign too
                                                      Publication.slot_id.is_(None), Publication.render_id.in_(assets))
                            .values(status=PENDING, attempts=0, next_attempt_at=None)
                            .execution_options(synchronize_session=False))
            episode.status = EpisodeStatus.SCHEDULED
        season.status = SeasonStatus.PUBLISHING if len(pending) < len(episodes) else SeasonStatus.SCHEDULED
        season.cadence = cadence.model_dump(mode="json")
        session.add(AuditEntry(season_id=season_id, actor=actor, action="season.scheduled", detail={
            "cadence": describe(cadence), "platforms": list(platforms), "episodes": [e.number for e in pending],
            "first": times[0].isoformat(), "last": times[-1].isoformat(), "mode": mode,
            "destination": where.value, "unlock": {str(k): v for k, v in unlocks.items()},
            "times": {p: t.strftime("%H:%M") for p, t in (platform_times or {}).items()}}))
        session.flush()
    return slots


class _Step(NamedTuple):
    """One (episode, platform) position in a season's release order, read before any side effect."""

    episode_id: int
    number: int
    title: str
    platform: str
    slot_id: int | None
    publish_at: datetime | None
    published: bool
    awaiting_confirmation: bool


class _Outcome(NamedTuple):
    """What one publish attempt came to: kind ('published', 'held', 'failed', …), detail, fallback note."""

    kind: str
    detail: str = ""
    fallback: dict[str, Any] | None = None


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
                               as_utc(slot.publish_at) if slot else None,
                               (slot.id in done) if slot else ep.status == EpisodeStatus.PUBLISHED,
                               bool(slot and slot.mode == "confirm" and slot.confirmed_at is None)))
    return steps


def _call(publisher: Publisher, package: PublishPackage) -> tuple[PublishResult | None, BaseException | None]:
    """Run one adapter; any failure is data for the ledger, never an exception out of the sweep."""
    try:
        return publisher.publish(package), None
    except Exception as exc:  # noqa: BLE001 — recorded in the ledger and told in the thread
        return None, exc


def _publish_step(store: Store, step: _Step, publisher: Publisher, publishers: Mapping[str, Publisher],
                  now: datetime, artifacts: ArtifactStore | None = None) -> _Outcome:
    """Re-check approval, claim, publish (or fall back), record."""
    package: PublishPackage | None = None
    problem, permanent = "", False
    with store.session() as session:
        episode, slot = session.get(Episode, step.episode_id), session.get(Slot, step.slot_id)
        if episode is None or slot is None:
            return _Outcome("busy", "slot vanished (re-scheduled meanwhile)")
        check = check_approval(session, episode)
        if not check.approved or check.render is None:
            return _Outcome("held", check.reason)
        taken = claim(session, store, slot.id, check.render.id, publisher.name, now)
        if taken != "claimed":  # 'spent' ones were told about when they gave up
            return _Outcome("already" if taken == "published" else taken)
        try:
            package = build_package(session, slot, check, publisher.name, artifacts)
        except ValueError as exc:
            problem, permanent = str(exc), True
    result, error, fallback = None, None, None
    if package is not None:
        result, error = _call(publisher, package)
        if error is not None:
            problem, permanent = f"{type(error).__name__}: {error}", not getattr(error, "retryable", True)
            target = publishers.get(str(getattr(error, "fallback", "") or ""))
            if target is not None and target.name != publisher.name:
                result, second = _call(target, package)
                if result is not None:
                    fallback = {"fallback": target.name, "reason": redact(str(error))}
                else:
                    problem += f"; the {target.name} fallback failed too: {second}"
    problem = redact(problem)  # outside services echo headers and signed URLs: the thread must not show them
    key = idempotency_key(step.slot_id or 0, publisher.name)
    pub = finish(store, key, now, result, None if result else problem, permanent=permanent, note=fallback)
    if result is not None:
        return _Outcome("published", result.location, fallback)
    if pub.status == GAVE_UP:
        why = "it cannot succeed as it is" if permanent else f"{MAX_ATTEMPTS} attempts"
        return _Outcome("spent", f"gave up after {why}; {problem[:2000]}")
    retry = f"; I'll retry after {as_utc(pub.next_attempt_at):%H:%M} UTC" if pub.next_attempt_at else ""
    return _Outcome("failed", f"attempt {pub.attempts} of {MAX_ATTEMPTS}: {problem}{retry}")


def _sweep_season(store: Store, season_id: int, publishers: Mapping[str, Publisher], now: datetime,
                  out: SweepResult, artifacts: ArtifactStore | None = None) -> None:
    """Walk one season in release order; a platform stops at its first unfinished episode, the season at a hold."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        title, quorum, steps = season.title, season.quorum, _plan(session, season_id)
        when = {s.slot_id: local_time(season, s.publish_at) for s in steps if s.slot_id and s.publish_at}
    blocked: set[str] = set()

    def tell(text: str, kind: str = "note", standing: dict[str, Any] | None = None,
             slot_ids: tuple[int, ...] = ()) -> None:  # standing: said once while it lasts
        if standing is None or note_once(store, season_id, "season.held", standing):
            out.messages.append(SweepMessage(season_id, notice(text, kind), kind, slot_ids))

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
        if publisher is None:
            outcome = _Outcome("unconfigured")
        elif step.awaiting_confirmation and approved_episode(store, step.episode_id):
            outcome = _Outcome("confirm")
        else:
            outcome = _publish_step(store, step, publisher, publishers, now, artifacts)
        if outcome.kind in ("unconfigured", "failed", "spent", "busy", "waiting"):  # busy: another sweep has it
            blocked.add(step.platform)
        if outcome.kind == "unconfigured":
            out.held += 1
            tell(f"{name} of '{title}' is due on {step.platform}, but no '{step.platform}' publisher is configured. "
                 f"Configure it, or re-schedule the season on another platform.", "hold",
                 {"slot_id": step.slot_id, "reason": "unconfigured"})
        elif outcome.kind == "confirm":
            out.held += 1
            waiting = tuple(s.slot_id for s in steps if s.episode_id == step.episode_id and s.slot_id
                            and s.awaiting_confirmation and not s.published)
            tell(f"Ep {step.number} '{step.title}' of '{title}' is due ({when[step.slot_id]}) — "
                 "approve to publish: an approver replies 'publish' here or presses Publish. Nothing later in this "
                 "season goes out until then.", "confirm", {"slot_id": step.slot_id, "reason": "confirm"}, waiting)
            return
        elif outcome.kind == "held":
            out.held += 1
            tell(f"Holding '{title}': {name} was due on {step.platform} at {when[step.slot_id]}, "
                 f"but {outcome.detail}. Nothing later in this season goes out until the latest render of episode "
                 f"{step.number} has {quorum} approval(s) from the season's approvers (Approve on its card).",
                 "hold", {"slot_id": step.slot_id, "reason": outcome.detail})
            return
        elif outcome.kind == "published":
            out.published += 1
            if outcome.fallback:
                tell(f"{step.platform} couldn't take {name} of '{title}' ({outcome.fallback['reason']}), so I put it "
                     f"in the {outcome.fallback['fallback']} instead: {outcome.detail}. Post it from there by hand; "
                     "later episodes carry on.", "published")
            else:
                tell(f"Published {name} of '{title}' to {step.platform}: {outcome.detail}", "published")
        elif outcome.kind == "already":  # a concurrent sweep finished it between our plan and our claim
            out.skipped_already += 1
        elif outcome.kind in ("failed", "spent"):
            out.failed += 1
            then = ("Later episodes on it wait" if outcome.kind == "failed" else
                    "Fix the cause, then ask me to re-schedule the season to retry; later episodes on it wait")
            if outcome.detail:  # a row that gave up on an earlier sweep was told about then
                tell(f"Publishing {name} of '{title}' to {step.platform} failed ({outcome.detail}). {then}.",
                     "failed" if outcome.kind == "failed" else "gave_up")


def approved_episode(store: Store, episode_id: int) -> bool:
    """Is the episode's latest render approved right now (asked before asking for a confirmation)?"""
    with store.session() as session:
        return check_approval(session, session.get_one(Episode, episode_id)).approved


def publish_due(store: Store, publishers: Mapping[str, Publisher] | Sequence[Publisher],
                now: datetime, artifacts: ArtifactStore | None = None) -> SweepResult:
    """Publish every due slot whose episode is approved, in order, exactly once; safe to run from many workers.

    `artifacts` resolves render references to local files for the publishers (None: references are local paths).
    """
    now = as_utc(now)
    by_name = dict(publishers) if isinstance(publishers, Mapping) else {p.name: p for p in publishers}
    with store.session() as session:
        due = set(session.scalars(select(Episode.season_id).join(Slot, Slot.episode_id == Episode.id)
                                  .where(Slot.publish_at <= now)))
        unfinished = set(session.scalars(select(Episode.season_id).where(
            Episode.season_id.in_(due), Episode.status != EpisodeStatus.PUBLISHED)))
    out = SweepResult()
    for season_id in sorted(unfinished):
        _sweep_season(store, season_id, by_name, now, out, artifacts)
    return out
