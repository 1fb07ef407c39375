"""What a schedule request says beyond the cadence's shape: start date, skipped dates, explicit dates, the unlock plan
("first 3 free, then pay to unlock"), the destination (Drama Center / Minis Center / both) and the publishing mode
(autopilot / confirm).

briefparse.parse_cadence reads kind, weekdays, time and zone; this module reads the rest, deterministically, so a
date in the thread is never left to a model's guess. Dates without a year are the next occurrence on or after
`today` (a start) or after the start (a blackout), which is what "starting Dec 1" means in late November; a start
whose next occurrence is further than a season's reach ("starting Dec 1" said on Dec 2) is not guessed: the
request carries a question instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

SEASON_REACH_DAYS = 120  # a season (12 episodes, weekly at most) starts within about four months of being scheduled
MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# "Dec 1", "December 1st", "1 Dec", "2026-12-01"; a range "Dec 24-26" / "24-26 Dec"
DATE = re.compile(rf"\b(?:{_MONTH}\s+{_DAY}(?:\s*[-–]\s*{_DAY})?|{_DAY}(?:\s*[-–]\s*{_DAY})?\s+(?:of\s+)?{_MONTH}"
                  r"|(\d{4})-(\d{2})-(\d{2}))\b(?:,?\s+(\d{4})\b)?", re.IGNORECASE)
START = re.compile(r"\b(?:starting|start(?:s|ing)?\s+on|from|beginning|begin(?:ning)?\s+on|kick(?:ing)?\s+off)\s+"
                   r"(?:on\s+)?(?:the\s+)?", re.IGNORECASE)
SKIP = re.compile(r"\b(?:skip(?:ping)?|except(?:\s+on)?|excluding|but\s+not(?:\s+on)?|not\s+on|blackouts?:?|no\s+"
                  r"(?:episodes?|drops?|releases?|posts?)\s+on)\s+", re.IGNORECASE)
LIST_GLUE = re.compile(r"\s*(?:,|and|&|or|\+)?\s*(?:on\s+)?(?:the\s+)?", re.IGNORECASE)
UNLOCK_WORDS = (("ad", r"\bad[\s-]*(?:unlock|supported|gated)|\bwatch(?:ing)?\s+an?\s+ad|\bads?\b"),
                ("paid", r"\bpay[\s-]*(?:to[\s-]*)?unlock|\bpaid\b|\bpay[\s-]*walled?|\bpremium\b|\bpay\b"))


@dataclass
class UnlockRule:
    """Free for the first `first_free` episodes, `rest` after them, with per-episode overrides."""

    first_free: int = 0
    rest: str = "free"
    overrides: dict[int, str] = field(default_factory=dict)

    def plan(self, numbers: list[int]) -> dict[int, str]:
        """Unlock per episode number (the shape schedule_season takes)."""
        return {n: self.overrides.get(n, "free" if n <= self.first_free else self.rest) for n in numbers}


@dataclass
class ScheduleRequest:
    """The parts of a schedule request this module understood; None / empty means 'not said, keep what is set'."""

    start: date | None = None
    blackout: list[date] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    unlock: UnlockRule | None = None
    destination: str | None = None
    mode: str | None = None
    unsure: list[str] = field(default_factory=list)  # yearless dates too far off to guess: ask which year

    def question(self) -> str | None:
        """What to ask when a date without a year does not fall within the season's reach (None if nothing)."""
        if not self.unsure:
            return None
        said = ", ".join(f"“{d}”" for d in self.unsure)
        return (f"{said} without a year is months away (its next occurrence is outside this season). Did you mean "
                "a date that has already passed? Tell me the date with its year, e.g. “starting Jan 5 2027”.")


def _resolve(month: int, day: int, year: int | None, after: date) -> date | None:
    """The date, or the next occurrence on/after `after` when no year was given; None for 31 Feb and friends."""
    for candidate_year in ([year] if year else [after.year, after.year + 1]):
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            continue
        if year or found >= after:
            return found
    return None


def _dates_at(text: str, pos: int, after: date) -> tuple[list[date], int]:
    """A list of dates starting at `pos` ("Dec 24-26, Dec 31 and Jan 1"), and where the list ends."""
    found: list[date] = []
    while True:
        glue = LIST_GLUE.match(text, pos) if found else None
        at = glue.end() if glue else pos
        match = DATE.match(text, at)
        if match is None:
            return found, pos
        g = match.groups()
        if g[6]:
            first = _resolve(int(g[7]), int(g[8]), int(g[6]), after)
            days = [first] if first else []
        else:
            month = MONTHS[(g[0] or g[5]).lower().rstrip(".")]
            lo, hi = (int(g[1]), int(g[2] or g[1])) if g[0] else (int(g[3]), int(g[4] or g[3]))
            year = int(g[9]) if g[9] else None
            first = _resolve(month, lo, year, after)
            days = [first + timedelta(days=i) for i in range(hi - lo + 1)] if first and hi >= lo else []
        found.extend(d for d in days if d is not None)
        pos = match.end()


def _number(word: str) -> int | None:
    """'3' or 'three' → 3."""
    return int(word) if word.isdigit() else NUMBERS.get(word.lower())


def parse_unlock(text: str) -> UnlockRule | None:
    """'first 3 free, then pay to unlock' / 'all free' / 'ad-unlock after episode 2' / 'ep 5 paid' → a rule."""
    lowered = text.lower()
    kinds = [kind for kind, pattern in UNLOCK_WORDS if re.search(pattern, lowered)]
    rest = kinds[0] if kinds else "paid"
    num = r"(\d{1,2}|" + "|".join(NUMBERS) + ")"
    first = re.search(rf"\bfirst\s+{num}\s+(?:episodes?\s+)?(?:are\s+|is\s+)?free\b", lowered) or re.search(
        rf"\b(?:episodes?|eps?)\s*1\s*[-–]\s*{num}\s+(?:are\s+)?free\b", lowered)
    after = re.search(rf"\b(?:after|from)\s+(?:episode|ep)\s*{num}\b", lowered)
    overrides = {int(n): ("ad" if re.match(r"ad", k) else "free" if k == "free" else "paid")
                 for n, k in re.findall(r"\b(?:episode|ep)\s*(\d{1,2})\s+(?:is\s+)?(free|paid|ad[\s-]*unlock|ad)\b",
                                        lowered)}
    if first:
        return UnlockRule(first_free=_number(first.group(1)) or 0, rest=rest, overrides=overrides)
    if after and kinds:
        start = _number(after.group(1)) or 1
        return UnlockRule(first_free=start - 1 if "from" in after.group(0) else start, rest=rest, overrides=overrides)
    everything = r"\b(?:all(?:\s+(?:the\s+)?episodes)?|every\s+episode|everything)\s+(?:is\s+|are\s+)?free\b"
    if re.search(everything + r"|\bfree\s+to\s+watch\b", lowered):
        return UnlockRule(rest="free", overrides=overrides)
    if kinds and re.search(r"\b(?:all|every\s+episode|everything|unlock|monetis|monetiz)", lowered):
        return UnlockRule(rest=rest, overrides=overrides)
    return UnlockRule(overrides=overrides) if overrides else None


def parse_destination(text: str) -> str | None:
    """'Minis Center' → minis_center, 'Drama Center' / 'natively' → drama_center, both named or 'both' → both."""
    lowered = text.lower()
    minis = bool(re.search(r"\bminis?(?:\s+cent(?:er|re))?\b", lowered))
    drama = bool(re.search(r"\bdrama\s+cent(?:er|re)\b|\bnative(?:ly)?\b|\bmain\s+feed\b", lowered))
    if (minis and drama) or re.search(r"\bboth\s+(?:destinations|places|cent(?:er|re)s)\b", lowered):
        return "both"
    return "minis_center" if minis else "drama_center" if drama else None


def parse_mode(text: str) -> str | None:
    """Autopilot ('publish automatically') or confirm ('ask me before each one goes out')."""
    lowered = text.lower()
    if re.search(r"\bconfirm(?:ation)?\s+mode\b|\bask\s+(?:me|us)\s+(?:first|before)|\bcheck\s+with\s+(?:me|us)\b|"
                 r"\bconfirm\s+(?:each|every)\b|\bwait\s+for\s+(?:my|our)\s+(?:ok|go)\b", lowered):
        return "confirm"
    if re.search(r"\bauto[\s-]?pilot\b|\bauto[\s-]?publish|\bautomatically\b|\bno\s+need\s+to\s+ask\b", lowered):
        return "autopilot"
    return None


def parse_schedule_request(text: str, *, today: date) -> ScheduleRequest:
    """Everything above in one pass over a marketer's message."""
    request = ScheduleRequest(unlock=parse_unlock(text), destination=parse_destination(text), mode=parse_mode(text))
    for match in START.finditer(text):
        dates, end = _dates_at(text, match.end(), today)
        if dates:
            written = text[match.end():end].strip(" ,.")
            if not re.search(r"\b\d{4}\b", written) and (dates[0] - today).days > SEASON_REACH_DAYS:
                request.unsure.append(written)  # "starting Dec 1" said on Dec 2: not next December — ask
            else:
                request.start = dates[0]
            break
    for match in SKIP.finditer(text):
        dates, _ = _dates_at(text, match.end(), request.start or today)
        request.blackout.extend(d for d in dates if d not in request.blackout)
    listed = re.search(r"\bon\s+(?:the\s+)?", text)
    while listed:
        dates, _ = _dates_at(text, listed.end(), today)
        if len(dates) >= 2 and not set(dates) & set(request.blackout):  # "no drops on Dec 24-26" is a blackout
            request.dates = dates
            break
        listed = re.compile(r"\bon\s+(?:the\s+)?").search(text, listed.end())
    return request
