"""Release calendar: DST, blackouts, weekly patterns, explicit dates, and the words we say back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from agent.domain import Cadence, CadenceKind
from tools.calendar import CalendarError, describe, release_times

AFTER = datetime(2026, 10, 29, 12, 0, tzinfo=UTC)


def test_daily_new_york_keeps_local_time_across_dst_end() -> None:
    cadence = Cadence(kind=CadenceKind.DAILY, timezone="America/New_York", release_time=time(18, 0),
                      start=date(2026, 10, 30))
    times = release_times(cadence, 4, after=AFTER)
    # EDT (UTC-4) until 2026-11-01 02:00, EST (UTC-5) after: 18:00 local is 22:00 then 23:00 UTC.
    assert times == [
        datetime(2026, 10, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 22, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 23, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 23, 0, tzinfo=UTC),
    ]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)


def test_default_start_is_tomorrow_in_the_season_zone() -> None:
    # 03:00 UTC on 30 Oct is still 29 Oct in New York, so "tomorrow" is 30 Oct there.
    cadence = Cadence(timezone="America/New_York")
    first = release_times(cadence, 1, after=datetime(2026, 10, 30, 3, 0, tzinfo=UTC))[0]
    assert first == datetime(2026, 10, 30, 22, 0, tzinfo=UTC)


def test_blackout_dates_are_skipped() -> None:
    cadence = Cadence(start=date(2026, 12, 23), blackout=[date(2026, 12, 25), date(2026, 12, 26)])
    days = [t.date() for t in release_times(cadence, 4, after=AFTER)]
    assert days == [date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 27), date(2026, 12, 28)]


def test_weekly_tuesday_friday() -> None:
    cadence = Cadence(kind=CadenceKind.WEEKLY, weekdays=[4, 1], start=date(2026, 12, 1), timezone="Europe/Paris",
                      release_time=time(9, 30))
    times = release_times(cadence, 4, after=AFTER)
    assert [t.date() for t in times] == [date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 8), date(2026, 12, 11)]
    assert {t.strftime("%a") for t in times} == {"Tue", "Fri"}
    assert times[0] == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # CET = UTC+1


def test_every_n_days_and_past_times_dropped() -> None:
    cadence = Cadence(kind=CadenceKind.EVERY_N_DAYS, every_n_days=3, start=date(2026, 10, 26))
    days = [t.date() for t in release_times(cadence, 3, after=AFTER)]
    assert days == [date(2026, 10, 29), date(2026, 11, 1), date(2026, 11, 4)]  # 26 Oct is before 'after'


def test_explicit_dates_run_out_with_a_clear_error() -> None:
    cadence = Cadence(kind=CadenceKind.EXPLICIT, dates=[date(2026, 11, 5), date(2026, 11, 3)],
                      blackout=[date(2026, 11, 5)])
    assert [t.date() for t in release_times(cadence, 1, after=AFTER)] == [date(2026, 11, 3)]
    with pytest.raises(CalendarError, match="only 1 release"):
        release_times(cadence, 2, after=AFTER)


def test_naive_after_is_refused() -> None:
    with pytest.raises(CalendarError, match="timezone-aware"):
        release_times(Cadence(), 1, after=datetime(2026, 1, 1))


def test_describe() -> None:
    assert describe(Cadence(timezone="America/New_York", start=date(2026, 12, 1))) == \
        "daily at 18:00 America/New_York from 2026-12-01"
    assert describe(Cadence(kind=CadenceKind.WEEKLY, weekdays=[1, 4])) == "weekly on Tue and Fri at 18:00 UTC from tomorrow"
    assert describe(Cadence(kind=CadenceKind.EVERY_N_DAYS, every_n_days=2, blackout=[date(2026, 12, 25)],
                            start=date(2026, 12, 1))) == \
        "every 2 days at 18:00 UTC from 2026-12-01, skipping 2026-12-25"


def test_spring_forward_gap_and_offset_change() -> None:
    # 2026-03-08 02:00 EST jumps to 03:00 EDT in New York: 02:30 does not exist that day and lands after the gap.
    cadence = Cadence(timezone="America/New_York", release_time=time(2, 30), start=date(2026, 3, 7))
    times = release_times(cadence, 3, after=datetime(2026, 3, 1, tzinfo=UTC))
    assert times == [
        datetime(2026, 3, 7, 7, 30, tzinfo=UTC),  # EST, UTC-5
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # in the gap: 03:30 EDT, the same instant as 02:30 EST
        datetime(2026, 3, 9, 6, 30, tzinfo=UTC),  # EDT, UTC-4
    ]
