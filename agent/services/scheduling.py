"""Scheduling as the conversation sees it: "weekly on Tue and Fri at 6pm New York, starting Dec 1, skip Dec 25,
first 3 free then pay to unlock, Minis Center, ask me before each one" → slots, warnings and one reply; and the
confirm-mode release an approver gives with the Publish button or a reply ("publish ep 3").

`agent.app.releases` calls them (the graph's review node and the Publish button go through it); replies are
notices (people as references), so no channel syntax is written here. Nothing here trusts the model: dates, unlocks and modes are
parsed deterministically, approval and approver checks are database reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.brain.cadence_parse import parse_schedule_request
from agent.domain import Cadence, CadenceKind
from agent.ports import Notice, Publisher, Tone
from agent.services.destinations import describe_times, label, parse_destinations
from agent.store.db import Store
from agent.store.models import AuditEntry, Episode, Publication, Season, Slot, utcnow
from tools.calendar import describe
from tools.preflight import RULES, PreflightView
from tools.preflight_season import season_preflight
from tools.publish import PUBLISHED, ScheduleError, schedule_season
from tools.publish_notices import local_time
from tools.publish_plan import check_plan

UNLOCK_WORDS = {"free": "free", "paid": "pay-to-unlock", "ad": "ad-unlock"}
DESTINATIONS = {"drama_center": "Drama Center", "minis_center": "Minis Center", "both": "Drama Center + Minis Center"}


@dataclass(frozen=True)
class ScheduleOutcome:
    """What scheduling did: `notice` is the reply for the thread (warnings included), `ok` False when refused."""

    ok: bool
    notice: Notice
    slots: list[Slot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cadence: Cadence | None = None
    preflight: PreflightView | None = None  # what each destination's rules said before booking (issue 15)

    @property
    def text(self) -> str:
        """The reply as channel-neutral text."""
        return self.notice.plain()


def _current(session: Session, season_id: int) -> tuple[dict[int, str], str | None, str | None]:
    """Unlock per episode, mode and destination already on the season's slots (kept unless the text changes them)."""
    rows = session.execute(select(Episode.number, Slot.unlock, Slot.mode, Slot.destination)
                           .join(Slot, Slot.episode_id == Episode.id).where(Episode.season_id == season_id)).all()
    unlocks = {number: unlock for number, unlock, _, _ in rows}
    return unlocks, (rows[0][2] if rows else None), (rows[0][3] if rows else None)


def unlock_summary(unlocks: Mapping[int, str]) -> str:
    """'Ep 1–3 free, Ep 4–10 pay-to-unlock' (runs of equal plans, in episode order)."""
    runs: list[tuple[int, int, str]] = []
    for number in sorted(unlocks):
        if runs and runs[-1][2] == unlocks[number] and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number, unlocks[number])
        else:
            runs.append((number, number, unlocks[number]))
    return ", ".join(f"Ep {a}" + (f"–{b}" if b != a else "") + f" {UNLOCK_WORDS.get(k, k)}" for a, b, k in runs)


def schedule_from_text(store: Store, season_id: int, text: str, *, cadence: Cadence,
                       publishers: Mapping[str, Publisher], now: datetime | None = None,
                       actor: str = "agent") -> ScheduleOutcome:
    """Schedule the season from a marketer's message on top of `cadence` (what briefparse/the brain understood).

    Start, skipped dates, explicit dates, unlock plan, destination and mode come from the text; what the text does
    not mention stays as it was on the existing slots. Platforms are the configured publishers.
    """
    now = now or datetime.now(UTC)
    request = parse_schedule_request(text, today=now.astimezone(ZoneInfo(cadence.timezone)).date())
    if question := request.question():  # a date without a year outside the season's reach: ask (issue 12)
        return ScheduleOutcome(False, Notice(template="{question}", values={"question": question}), cadence=cadence)
    changes: dict[str, object] = {}
    if request.start:
        changes["start"] = request.start
    if request.blackout:
        changes["blackout"] = sorted(set(cadence.blackout) | set(request.blackout))
    if request.dates:
        changes.update(kind=CadenceKind.EXPLICIT, dates=request.dates)
    cadence = Cadence.model_validate({**cadence.model_dump(), **changes})
    with store.session() as session:
        unlocks, mode, destination = _current(session, season_id)
        numbers = list(session.scalars(select(Episode.number).where(Episode.season_id == season_id)))
    plan = request.unlock.plan(numbers) if request.unlock else (unlocks or None)
    mode = request.mode or mode or "autopilot"
    wanted = parse_destinations(text, tuple(publishers) or ("outbox",))
    if wanted.unknown:
        return ScheduleOutcome(False, Notice(
            template="I can't book {unknown}: not set up here (destinations: {configured}). Nothing is booked — "
                     "name the ones above, or ask whoever runs the app to add it.",
            values={"unknown": ", ".join(label(p) for p in wanted.unknown),
                    "configured": ", ".join(label(p) for p in publishers) or "outbox"}), cadence=cadence)
    platforms = wanted.platforms or tuple(publishers) or ("outbox",)
    times = {p: wanted.own_times().get(p, cadence.release_time) for p in platforms}
    check = run_preflight(store, season_id, publishers, platforms, now)
    if check is not None and check.blocked:
        return ScheduleOutcome(False, Notice(
            template="Preflight found something a destination would refuse, so nothing is booked:\n{preflight}\n"
                     "Fix what's marked ✗ (or leave that destination out) and ask again.",
            values={"preflight": check.to_text()}, tone=Tone.WARNING), cadence=cadence, preflight=check)
    try:
        slots = schedule_season(store, season_id, cadence, platforms=platforms,
                                unlock_plan=plan, destination=request.destination or destination, mode=mode,
                                now=now, actor=actor, platform_times=wanted.own_times())
    except ScheduleError as error:
        return ScheduleOutcome(False, Notice(template="I can't schedule yet: {error}", values={"error": str(error)}),
                               cadence=cadence, preflight=check)
    warnings = check_plan(store, season_id, publishers)
    with store.session() as session:
        season = session.get_one(Season, season_id)
        first = min(slot.publish_at for slot in slots)
        when = local_time(season, first)
    episodes = {s.episode_id for s in slots}
    how = ("autopilot — approved episodes publish at their slot" if mode == "autopilot" else
           "confirm — at each slot I ask here, and it publishes once an approver says so")
    lines = [(f"Scheduled {len(episodes)} episode(s) {describe(cadence)} — first drop {when} "
              f"({first:%H:%M} UTC) on {', '.join(label(p) for p in platforms)}."),
             f"Each drop: {describe_times(times, cadence.timezone)}.",
             (f"Unlock: {unlock_summary(plan or {}) or 'all free'}. "
              f"Destination: {DESTINATIONS.get(slots[0].destination, slots[0].destination)}. Mode: {how}."),
             "Each one publishes only if its approval is still on record."]
    lines += [f"Warning: {w}" for w in warnings]
    template = "\n".join(line.replace("{", "{{").replace("}", "}}") for line in lines)
    return ScheduleOutcome(True, Notice(template=template, tone=Tone.CALENDAR), slots, warnings, cadence, check)


def run_preflight(store: Store, season_id: int, publishers: Mapping[str, Publisher], platforms: tuple[str, ...],
                  now: datetime | None = None) -> PreflightView | None:
    """Preflight the destinations it knows rules for (TikTok, YouTube, Reels…; not the outbox or a webhook)."""
    known = [p for p in platforms if p in RULES or callable(getattr(publishers.get(p), "limits", None))]
    return season_preflight(store, season_id, publishers, known, now=now) if known else None


@dataclass(frozen=True)
class ConfirmResult:
    """The outcome of a confirm: `notice` for the thread (or for the user alone when refused)."""

    ok: bool
    notice: Notice
    slot_ids: tuple[int, ...] = ()
    episode: int | None = None

    @property
    def text(self) -> str:
        """The answer as channel-neutral text."""
        return self.notice.plain()


def confirm_slot(session: Session, slot_id: int, user_id: str) -> ConfirmResult:
    """Record an approver's go for a confirm-mode slot (and the episode's other confirm-mode slots).

    Only people on the season's approver list may release an episode; the sweep publishes it on its next run (and
    still re-checks the render's approval then — a confirmation is not an approval).
    """
    slot = session.get(Slot, slot_id)
    if slot is None:
        return ConfirmResult(False, Notice(template="That release slot no longer exists (the season was "
                                                    "re-scheduled)."))
    episode = session.get_one(Episode, slot.episode_id)
    season = session.get_one(Season, episode.season_id)
    if user_id not in {a.user_id for a in season.approvers}:
        return ConfirmResult(False, Notice(template="Only {title}'s approvers can release an episode.",
                                           values={"title": season.title}), episode=episode.number)
    published = set(session.scalars(select(Publication.slot_id).where(Publication.status == PUBLISHED)))
    siblings = [s for s in session.scalars(select(Slot).where(Slot.episode_id == episode.id))
                if s.mode == "confirm" and s.confirmed_at is None and s.id not in published]
    if not siblings:
        return ConfirmResult(True, Notice(template=f"Ep {episode.number} '{{title}}' needs no confirmation (already "
                                                   "confirmed, published, or on autopilot).",
                                          values={"title": episode.title}), episode=episode.number)
    at = utcnow()
    for s in siblings:
        s.confirmed_by, s.confirmed_at = user_id, at
    session.add(AuditEntry(season_id=season.id, actor=user_id, action="slot.confirmed",
                           detail={"episode": episode.number, "slot_ids": [s.id for s in siblings]}))
    session.flush()
    return ConfirmResult(True, Notice(template=f"{{who}} released Ep {episode.number} '{{title}}' — it goes out on the "
                                               "next publish sweep (within a minute).", users={"who": user_id},
                                      values={"title": episode.title}, tone=Tone.SUCCESS),
                         tuple(s.id for s in siblings), episode.number)


def awaiting_confirmation(session: Session, season_id: int, now: datetime | None = None) -> list[int]:
    """Due confirm-mode slots of the season still waiting for an approver (what a plain 'publish' reply releases)."""
    now = now or utcnow()
    published = set(session.scalars(select(Publication.slot_id).where(Publication.status == PUBLISHED)))
    return [s.id for s in session.scalars(
        select(Slot).join(Episode, Slot.episode_id == Episode.id).where(
            Episode.season_id == season_id, Slot.mode == "confirm", Slot.confirmed_at.is_(None),
            Slot.publish_at <= now).order_by(Episode.number, Slot.platform)) if s.id not in published]
