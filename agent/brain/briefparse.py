"""Deterministic brief parser: free text → Brief fields, merged over what is already known.

Pure functions, no model. The offline brain uses it as its whole understanding of a brief, and the Gemini brain
falls back to it (and fills gaps with it) so numbers like "40 seconds" or "daily at 6pm New York" are read the same
way whichever brain runs. Values are *not* validated here: "40 episodes" comes back as 40 so the domain's
validation can tell the marketer why that is too many, in its own words.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LABELS: dict[str, str] = {
    "brand": "brand", "company": "brand", "client": "brand",
    "product": "product",
    "audience": "audience", "target audience": "audience", "target": "audience",
    "goal": "goal", "objective": "goal", "kpi": "goal",
    "tone": "tone", "mood": "tone", "vibe": "tone", "style": "tone",
    "markets": "markets", "market": "markets", "countries": "markets", "regions": "markets",
    "platforms": "platforms", "platform": "platforms", "channels": "platforms",
    "destination": "destination",
}
TEXT_FIELDS = ("brand", "product", "audience", "goal", "tone")
DEFER_PHRASES = ("you decide", "up to you", "your call", "dealer's choice", "whatever you think",
                 "you choose", "surprise me", "no preference", "don't care", "dont care", "tbd", "any")

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

CITY_ZONES: dict[str, str] = {
    "new york": "America/New_York", "nyc": "America/New_York", "ny": "America/New_York",
    "boston": "America/New_York", "miami": "America/New_York", "toronto": "America/Toronto",
    "chicago": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
    "denver": "America/Denver", "los angeles": "America/Los_Angeles", "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "vancouver": "America/Vancouver", "mexico city": "America/Mexico_City", "sao paulo": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo", "london": "Europe/London", "dublin": "Europe/Dublin",
    "paris": "Europe/Paris", "berlin": "Europe/Berlin", "madrid": "Europe/Madrid", "rome": "Europe/Rome",
    "amsterdam": "Europe/Amsterdam", "stockholm": "Europe/Stockholm", "tokyo": "Asia/Tokyo",
    "seoul": "Asia/Seoul", "jakarta": "Asia/Jakarta", "bangkok": "Asia/Bangkok", "singapore": "Asia/Singapore",
    "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne", "auckland": "Pacific/Auckland",
    "dubai": "Asia/Dubai", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
}
ABBREV_ZONES: dict[str, str] = {
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York", "eastern": "America/New_York",
    "ct": "America/Chicago", "cst": "America/Chicago", "central": "America/Chicago",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "gmt": "Europe/London", "bst": "Europe/London", "cet": "Europe/Paris",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "utc": "UTC",
}
WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
MARKET_CODES: dict[str, str] = {
    "us": "US", "usa": "US", "united states": "US", "america": "US", "uk": "GB", "gb": "GB",
    "united kingdom": "GB", "britain": "GB", "canada": "CA", "ca": "CA", "australia": "AU", "au": "AU",
    "new zealand": "NZ", "nz": "NZ", "indonesia": "ID", "id": "ID", "thailand": "TH", "th": "TH",
    "korea": "KR", "south korea": "KR", "kr": "KR", "japan": "JP", "jp": "JP", "brazil": "BR", "br": "BR",
    "mexico": "MX", "mx": "MX", "germany": "DE", "de": "DE", "france": "FR", "fr": "FR", "spain": "ES",
    "es": "ES", "italy": "IT", "it": "IT",
}
PLATFORM_NAMES: dict[str, str] = {
    "tiktok": "tiktok", "tik tok": "tiktok", "instagram": "instagram", "reels": "instagram",
    "youtube": "youtube", "shorts": "youtube", "snapchat": "snapchat",
}


def _label_pattern() -> re.Pattern[str]:
    """Labels like "Brand:", "tone -", "audience is" at a clause start (longest label first)."""
    names = "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s.,;(]))({names})\s*(?::|=|\s-\s|\bis\b|\bare\b)\s*", re.IGNORECASE)


_LABEL_RE = _label_pattern()
# A labelled value ends at the next label, a line/semicolon break, a sentence end, or ", <number|cadence word>".
_VALUE_END = re.compile(
    r"(?:\n|;|\.(?:\s|$)|,\s*(?=\d|daily|weekly|every|each|on\s|at\s|tone|episodes?\b))", re.IGNORECASE
)


def to_number(word: str) -> float | None:
    """'40' → 40.0, 'eight' → 8.0; None when it is not a number we know."""
    word = word.lower()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def is_deferral(value: str) -> bool:
    """True for "you decide" and friends: the marketer leaves the field to us, so the default stays."""
    cleaned = value.strip().strip(".!").lower()
    return cleaned in DEFER_PHRASES or any(p in cleaned for p in DEFER_PHRASES if len(p) > 4)


def labelled_values(text: str) -> dict[str, str]:
    """Values written after labels ("Brand: Lumen Coffee."), trimmed to their clause."""
    found: dict[str, str] = {}
    matches = list(_LABEL_RE.finditer(text))
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        raw = text[match.end():stop]
        end = _VALUE_END.search(raw)
        value = (raw[: end.start()] if end else raw).strip().strip(",.;:").strip()
        field = LABELS[match.group(1).lower()]
        if value and field not in found:
            found[field] = value
    return found


def parse_episode_count(text: str) -> int | None:
    """"8 episodes", "ten eps", "a season of 12" → the number as written (validation judges the range)."""
    match = re.search(rf"\b{_NUM}\s*(?:-\s*)?(?:episodes?|eps?|parts?|installments?)\b", text, re.IGNORECASE)
    if not match:
        match = re.search(r"\b(?:season|series) of\s+(\d+)\b", text, re.IGNORECASE)
    if not match:
        return None
    number = to_number(match.group(1))
    return int(number) if number is not None else None


def parse_episode_length(text: str) -> int | None:
    """"40 seconds", "40s", "1 minute", "1.5 min", "90-second", "10 minutes" → seconds (600 stays 600)."""
    match = re.search(
        rf"\b{_NUM}\s*(?:-\s*)?(seconds?|secs?|s|minutes?|mins?|m)\b(?!\s*(?:ago|later))", text, re.IGNORECASE
    )
    if not match:
        return None
    number = to_number(match.group(1))
    if number is None:
        return None
    seconds = number * 60 if match.group(2).lower().startswith("m") else number
    return round(seconds)


def parse_time(text: str) -> str | None:
    """"6pm", "at 6:30 pm", "18:00", "noon" → "HH:MM" (24 h)."""
    lowered = text.lower()
    if re.search(r"\bnoon\b|\bmidday\b", lowered):
        return "12:00"
    if re.search(r"\bmidnight\b", lowered):
        return "00:00"
    match = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?\b", lowered)
    if match:
        hour, minute = int(match.group(1)) % 12, int(match.group(2) or 0)
        if match.group(3) == "p":
            hour += 12
        return f"{hour:02d}:{minute:02d}"
    match = re.search(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", lowered)
    if match:
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    return None


def parse_timezone(text: str) -> str | None:
    """An explicit IANA zone ("Europe/Paris"), a city ("New York"), or an abbreviation ("ET") → IANA name."""
    for candidate in re.findall(r"\b([A-Z][A-Za-z_]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)\b", text):
        try:
            ZoneInfo(candidate)
            return candidate
        except (ZoneInfoNotFoundError, ValueError):
            continue
    lowered = text.lower()
    for city in sorted(CITY_ZONES, key=len, reverse=True):
        pattern = rf"\b{re.escape(city)}\b"
        if len(city) <= 3:  # "LA", "NY", "SF" only when written in capitals, so "la" in prose is not LA
            if re.search(rf"\b{city.upper()}\b", text):
                return CITY_ZONES[city]
        elif re.search(pattern, lowered):
            return CITY_ZONES[city]
    for abbrev, zone in ABBREV_ZONES.items():
        if len(abbrev) <= 3:  # "ET", "PST": capitals only, so the word "et" or "ct" in prose is no zone
            if re.search(rf"\b{abbrev.upper()}\b", text):
                return zone
        elif re.search(rf"\b{abbrev}\s+time\b", lowered):
            return zone
    return None


def parse_weekdays(text: str) -> list[int]:
    """Weekday names anywhere in the text ("Mondays and Thursdays", "Mon/Wed/Fri") → sorted 0–6."""
    days = {WEEKDAYS[w.lower()] for w in re.findall(r"\b(" + "|".join(WEEKDAYS) + r")s?\b", text, re.IGNORECASE)}
    return sorted(days)


def parse_cadence(text: str) -> dict[str, Any]:
    """Cadence parts present in the text (kind, every_n_days, weekdays, release_time, timezone)."""
    lowered = text.lower()
    cadence: dict[str, Any] = {}
    every = re.search(rf"\bevery\s+(other|{_NUM})\s+days?\b", lowered)
    weekdays = parse_weekdays(text)
    if every:
        value = to_number(every.group(1))
        n = 2 if every.group(1) == "other" else int(value) if value is not None else 1  # 0 stays 0: refused later
        cadence.update(kind="every_n_days", every_n_days=n)
    elif re.search(r"\b(daily|every\s*day|each\s+day|once\s+a\s+day|nightly)\b", lowered):
        cadence["kind"] = "daily"
    elif weekdays and (len(weekdays) > 1 or re.search(
            r"\b(weekly|every|each|on|releas\w*|drop\w*|post\w*|publish\w*|air\w*|goes\s+live)\b", lowered)):
        cadence.update(kind="weekly", weekdays=weekdays)
    elif re.search(r"\b(weekly|once\s+a\s+week|every\s+week)\b", lowered):
        cadence["kind"] = "weekly"
    release = parse_time(text)
    if release:
        cadence["release_time"] = release
    zone = parse_timezone(text)
    if zone:
        cadence["timezone"] = zone
    return cadence


def parse_list(value: str, table: dict[str, str]) -> list[str]:
    """"US, UK and Japan" → ["US", "GB", "JP"] using a name table; unknown items kept as written."""
    items = [i.strip().strip(".") for i in re.split(r",|/|\band\b|&|\+", value) if i.strip().strip(".")]
    out: list[str] = []
    for item in items:
        code = table.get(item.lower(), item if table is not PLATFORM_NAMES else item.lower())
        if code not in out:
            out.append(code)
    return out


def parse_destination(text: str) -> str | None:
    """Drama Center, Minis (Center) or both → the Destination value."""
    lowered = text.lower()
    drama = "drama center" in lowered or "drama centre" in lowered
    minis = bool(re.search(r"\bminis\b(?!-)|\bmini[\s-]*(?:app|center|centre)\b", lowered))  # not "mini-drama"
    if (drama and minis) or re.search(r"\bboth\b.*\b(destinations?|centers?|centres?)\b", lowered):
        return "both"
    if minis:
        return "minis_center"
    if drama:
        return "drama_center"
    return None


def parse_brief(text: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the text says about the brief, merged over `known` (text wins; "you decide" keeps known)."""
    result: dict[str, Any] = dict(known or {})
    labelled = labelled_values(text)
    for field in TEXT_FIELDS:
        value = labelled.get(field)
        if value and not is_deferral(value):
            result[field] = value
    if "markets" in labelled and not is_deferral(labelled["markets"]):
        result["markets"] = parse_list(labelled["markets"], MARKET_CODES)
    if "platforms" in labelled and not is_deferral(labelled["platforms"]):
        result["platforms"] = parse_list(labelled["platforms"], PLATFORM_NAMES)
    else:
        mentioned = [p for n, p in PLATFORM_NAMES.items() if re.search(rf"\b{n}\b", text, re.IGNORECASE)]
        if mentioned:
            result["platforms"] = list(dict.fromkeys(mentioned))
    count = parse_episode_count(text)
    if count is not None:
        result["episode_count"] = count
    length = parse_episode_length(_without_times(text))
    if length is not None:
        result["episode_length_s"] = length
    cadence = parse_cadence(text)
    if cadence:
        merged = dict(result.get("cadence") or {})
        if cadence.get("kind") and cadence["kind"] != merged.get("kind"):
            merged.pop("weekdays", None)
            merged.pop("every_n_days", None)
        merged.update(cadence)
        result["cadence"] = merged
    destination = parse_destination(labelled.get("destination", text))
    if destination:
        result["destination"] = destination
    return result


def _without_times(text: str) -> str:
    """Blank out clock times and "every N days" so "6pm" or "every 2 days" never read as an episode length."""
    text = re.sub(r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"\b\d{1,2}:\d{2}\b", " ", text)


def looks_like_brief_info(text: str) -> bool:
    """True when the text carries at least one brief field (the router treats it as an answer at the brief stage)."""
    return bool(parse_brief(text, {}))
