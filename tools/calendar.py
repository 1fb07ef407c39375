"""Release calendar: turn a Cadence into concrete UTC instants, and say it back in words.

Times are computed in the season's IANA zone and converted to UTC per date, so "18:00 New York" stays 18:00 on the
wall clock across a DST change (the UTC offset moves instead). The publish sweep compares UTC instants only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from agent.domain import Cadence, CadenceKind

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_SEARCH_DAYS = 3 * 366  # a calendar that finds no room in three years is a mistake, not a plan


class CalendarError(ValueError):
    """The cadence cannot produce the requested number of releases (the message says what to change)."""


def _candidate_dates(cadence: Cadence, start: date) -> Iterator[date]:
    """Dates the pattern offers from `start` on, before blackouts and the 'after' cut-off are applied."""
    if cadence.kind == CadenceKind.EXPLICIT:
        yield from (d for d in sorted(set(cadence.dates)) if d >= start)
        return
    if cadence.kind == CadenceKind.WEEKLY:
        weekdays = set(cadence.weekdays) or {start.weekday()}
        for offset in range(MAX_SEARCH_DAYS):
            day = start + timedelta(days=offset)
            if day.weekday() in weekdays:
                yield day
        return
    step = cadence.every_n_days if cadence.kind == CadenceKind.EVERY_N_DAYS else 1
    for offset in range(0, MAX_SEARCH_DAYS, step):
        yield start + timedelta(days=offset)


def local_release(cadence: Cadence, day: date) -> datetime:
    """The release instant on `day` in the cadence's zone, as UTC.

    A wall time that does not exist (inside a spring-forward gap) lands just after the gap; an ambiguous one
    (fall-back) takes its first occurrence — zoneinfo's fold=0 rules, stated here so nobody is surprised.
    """
    zone = ZoneInfo(cadence.timezone)
    wall = cadence.release_time.replace(tzinfo=None)
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def release_times(cadence: Cadence, count: int, after: datetime | None = None) -> list[datetime]:
    """The next `count` release instants (UTC-aware) strictly after `after` (default: now).

    The first candidate day is `cadence.start`, or the day after `after` in the season's zone when no start is
    given. Blackout dates are removed from the pattern (the episode moves to the pattern's next date), so a weekly
    Tue/Fri season never drops on a Wednesday because of a holiday.
    """
    if count < 0:
        raise CalendarError(f"cannot schedule {count} episodes")
    if count == 0:
        return []
    now = after or datetime.now(UTC)
    if now.tzinfo is None:
        raise CalendarError("'after' must be timezone-aware (UTC) — naive times are ambiguous across zones")
    zone = ZoneInfo(cadence.timezone)
    start = cadence.start or (now.astimezone(zone).date() + timedelta(days=1))
    blackout = set(cadence.blackout)
    times: list[datetime] = []
    for day in _candidate_dates(cadence, start):
        if day in blackout:
            continue
        instant = local_release(cadence, day)
        if instant <= now:
            continue
        times.append(instant)
        if len(times) == count:
            return times
    raise CalendarError(
        f"{describe(cadence)} gives only {len(times)} release(s) after {now:%Y-%m-%d %H:%M} UTC "
        f"for {count} episodes; add dates, shorten the blackout, or pick a later start"
    )


def _weekday_list(weekdays: list[int]) -> str:
    """'Tue and Fri' / 'Mon, Wed and Fri'."""
    names = [WEEKDAY_NAMES[d] for d in sorted(weekdays)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe(cadence: Cadence) -> str:
    """Human text for the thread, e.g. 'daily at 18:00 America/New_York from 2026-12-01'."""
    at = f"at {cadence.release_time:%H:%M} {cadence.timezone}"
    if cadence.kind == CadenceKind.EXPLICIT:
        days = ", ".join(d.isoformat() for d in sorted(set(cadence.dates))) or "no dates yet"
        text = f"on {days} {at}"
    else:
        if cadence.kind == CadenceKind.WEEKLY:
            shape = f"weekly on {_weekday_list(cadence.weekdays)}" if cadence.weekdays else "weekly"
        elif cadence.kind == CadenceKind.EVERY_N_DAYS and cadence.every_n_days > 1:
            shape = f"every {cadence.every_n_days} days"
        else:
            shape = "daily"
        start = f"from {cadence.start.isoformat()}" if cadence.start else "from tomorrow"
        text = f"{shape} {at} {start}"
    if cadence.blackout:
        text += ", skipping " + ", ".join(d.isoformat() for d in sorted(set(cadence.blackout)))
    return text
