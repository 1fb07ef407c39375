"""Read brief fields from any message: labelled values, prose, numbers as written, cadence, time zones.

This is the one brief reader both brains use for the exact parts. Labelled values ("Brand: …") win, prose fills
what labels left open (agent.understanding.entities), and numbers are read with their sign and magnitude so that
"-3 episodes", "zero" or "a million" reach validation as written and are refused specifically. A time zone that is
named but unknown is passed on as written, so validation can refuse it and name the closest IANA zones.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from agent.brain.briefparse import CITY_ZONES, parse_brief, parse_timezone
from agent.understanding.entities import extract_entities, fix_typos
from agent.understanding.numbers import number_before

# Longest values kept (they go into titles, cards and the season's title column, String(200)).
CAPS = {"brand": 60, "product": 100, "audience": 150, "tone": 120, "goal": 120}
COUNT_NOUNS = r"episodes?|eps?|parts?|installments?|instalments?"
LENGTH_NOUNS = r"seconds?|secs?|s|minutes?|mins?"
ZONE_HINT = re.compile(
    r"\b(?:time\s*zone|timezone|tz)\s*(?::|=|\bis\b|\bto\b|\bin\b)?\s*(?P<a>[A-Za-z][\w/+-]*(?:\s[A-Z][a-z]+)?)"
    r"|\b(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|noon|midnight|\d{1,2}:\d{2})\s+(?:in\s+)?(?P<b>[A-Z][\w/+-]*(?:\s[A-Z][a-z]+)?)"
    r"(?:\s+time)?\b"
    r"|\b(?P<c>[A-Z][A-Za-z_]+/[A-Za-z_/]+)\b",
)
TIME_CONTEXT = re.compile(r"time\s*zone|timezone|\btz\b|\btime\b|[A-Za-z]/[A-Za-z]|\d\s*(?:am|pm)\b|\d:\d\d|"
                          r"\b(?:daily|weekly|noon|midnight|schedule|post|release|drop)", re.IGNORECASE)
WEEKDAY_STEMS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
NOT_ZONES = {"on", "every", "each", "daily", "weekly", "starting", "from", "and", "the", "please", "pls", "sharp",
             "local", "time", "tonight", "today", "tomorrow"}


@lru_cache(maxsize=1)
def _zones() -> tuple[list[str], dict[str, str]]:
    names = sorted(available_timezones())
    by_city = {name.rsplit("/", 1)[-1].replace("_", " ").lower(): name for name in names}
    return names, by_city


def closest_zones(name: str, n: int = 3) -> list[str]:
    """The IANA zones closest to an unknown name ("Pari" → Europe/Paris), by full name and by city part."""
    names, by_city = _zones()
    wanted = name.strip().replace(" ", "_")
    full = difflib.get_close_matches(wanted, names, n=n, cutoff=0.5)
    cities = [by_city[c] for c in difflib.get_close_matches(name.strip().lower(), list(by_city), n=n, cutoff=0.5)]
    return list(dict.fromkeys(cities + full))[:n]


def unknown_zone(text: str) -> str | None:
    """A time zone the text names that we cannot resolve ("9pm Atlantis time", "timezone: Mars/Base")."""
    if parse_timezone(text):
        return None
    for match in ZONE_HINT.finditer(text):
        raw = next(g for g in (match.group("a"), match.group("b"), match.group("c")) if g)
        first = raw.split()[0].lower()
        if first in NOT_ZONES or raw.lower() in CITY_ZONES or raw[:3].lower() in WEEKDAY_STEMS:
            continue
        return raw.split()[0] if match.group("b") and " " in raw and raw.split()[1].lower() == "time" else raw
    return None


def _exact_numbers(text: str, fields: dict[str, Any]) -> None:
    """Episode count and length as written (sign, words, magnitudes), over what the labelled parser read."""
    without_times = re.sub(r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?\b|\b\d{1,2}:\d{2}\b", " ", text, flags=re.IGNORECASE)
    count = number_before(without_times, COUNT_NOUNS)
    if count is not None and not re.search(r"\b(?:ep|episode)\s*#?\s*\d", count[1], re.IGNORECASE):
        value = count[0]
        fields["episode_count"] = int(value) if value == int(value) else value
    length = number_before(without_times, LENGTH_NOUNS)
    if length is not None:
        value, raw = length
        unit = re.search(rf"{re.escape(raw)}\s*(?:-\s*)?({LENGTH_NOUNS})\b", without_times, re.IGNORECASE)
        seconds = value * 60 if unit and unit.group(1).lower().startswith("m") else value
        fields["episode_length_s"] = round(seconds) if abs(seconds) < 1e9 else seconds


def read_brief(text: str, known: dict[str, Any] | None = None, *, prose: bool = True) -> dict[str, Any]:
    """Every brief field the text states, merged over `known` (validation judges the values later).

    `prose=False` reads only labels and numbers (used mid-season, where "make it darker" is no tone change).
    """
    text = fix_typos(text)
    fields = parse_brief(text, known or {})
    stated = parse_brief(text, {})
    if prose:
        for field, value in extract_entities(text).items():
            if field not in stated:
                fields[field] = value
    cadence = stated.get("cadence") or {}
    if set(cadence) == {"timezone"} and not TIME_CONTEXT.search(text):  # "a flight to Paris" is no time zone
        fields["cadence"] = (known or {}).get("cadence") or {}
        if not fields["cadence"]:
            fields.pop("cadence")
    _exact_numbers(text, fields)
    if zone := unknown_zone(text):
        fields["cadence"] = {**(fields.get("cadence") or {}), "timezone": zone}
    return fields


def cap_fields(fields: dict[str, Any]) -> list[str]:
    """Shorten over-long text values in place; one note per shortened field (said back to the marketer)."""
    notes = []
    for field, limit in CAPS.items():
        value = fields.get(field)
        if isinstance(value, str) and len(value) > limit:
            fields[field] = value[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-") or value[:limit]
            notes.append(f"the {field} was {len(value)} characters, so I kept the first {len(fields[field])} "
                         f"(“{fields[field][:40]}…”) — send a shorter one to change it")
    return notes
