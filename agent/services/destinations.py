"""Which destinations a schedule request names, and each one's own release time.

"schedule daily, TikTok at 6pm and Reels at 7pm New York" → {tiktok: 18:00, instagram: 19:00}. A season runs on
several platforms at once, and a marketer times each for its audience; the slots are already one per (episode,
platform), so this module only reads the words. Deterministic (no model): a destination's time is the one said
right after its name ("TikTok at 6pm"), or right before it ("6pm on TikTok"); a named destination without its own
time takes the cadence's. Names are matched against the configured publishers, and one nobody configured is
reported back by name instead of being dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time

# words a marketer uses → publisher plug-in name (longest first when matching)
ALIASES: dict[str, str] = {
    "tiktok": "tiktok", "tik tok": "tiktok",
    "youtube shorts": "youtube", "youtube": "youtube", "yt shorts": "youtube", "shorts": "youtube",
    "instagram reels": "instagram", "ig reels": "instagram", "instagram": "instagram", "insta": "instagram",
    "reels": "instagram",
    "facebook reels": "facebook", "fb reels": "facebook", "facebook": "facebook",
    "linkedin": "linkedin", "outbox": "outbox", "webhook": "webhook", "email": "email",
}
LABELS = {"tiktok": "TikTok", "youtube": "YouTube Shorts", "instagram": "Instagram Reels",
          "facebook": "Facebook Reels", "linkedin": "LinkedIn", "outbox": "outbox", "webhook": "webhook",
          "email": "email"}
NAME = "|".join(sorted((re.escape(a).replace(r"\ ", r"\s+") for a in ALIASES), key=len, reverse=True))
NOT_CENTER = r"(?!\s+(?:drama|minis?)\s+cent)"  # "TikTok Drama/Minis Center" is where on TikTok, not a platform
CLOCK = r"(?:(?P<h{n}>\d{{1,2}})(?::(?P<m{n}>\d{{2}}))?\s*(?P<ap{n}>a\.?m\.?|p\.?m\.?)|(?P<H{n}>\d{{1,2}}):(?P<M{n}>\d{{2}})" \
        r"|(?P<noon{n}>noon|midday))"
AFTER = re.compile(rf"\b(?P<name>{NAME})\b{NOT_CENTER}(?:\s+(?:at|@|from|by))?\s+{CLOCK.format(n=1)}",
                   re.IGNORECASE)
BEFORE = re.compile(rf"{CLOCK.format(n=2)}\s+(?:on|for|to)\s+(?P<name>{NAME})\b", re.IGNORECASE)
MENTION = re.compile(rf"\b(?P<name>{NAME})\b{NOT_CENTER}", re.IGNORECASE)


def label(platform: str) -> str:
    """The destination as a marketer names it ('YouTube Shorts')."""
    return LABELS.get(platform, platform)


def _canonical(word: str, configured: Iterable[str]) -> str:
    name = ALIASES[re.sub(r"\s+", " ", word.lower())]
    # "Reels" alone is Instagram's, unless only Facebook is set up
    if word.lower() == "reels" and "instagram" not in configured and "facebook" in configured:
        return "facebook"
    return name


def _clock(match: re.Match[str], n: int) -> time | None:
    groups = match.groupdict()
    if groups.get(f"noon{n}"):
        return time(12, 0)
    if groups.get(f"H{n}") is not None:
        hour, minute = int(groups[f"H{n}"]), int(groups[f"M{n}"])
    else:
        hour, minute = int(groups[f"h{n}"]), int(groups.get(f"m{n}") or 0)
        pm = groups[f"ap{n}"].lower().startswith("p")
        if hour > 12 or hour == 0:
            return None
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@dataclass(frozen=True)
class DestinationPlan:
    """The destinations a request named (in the order said) and the time each asked for (None: the cadence's)."""

    times: dict[str, time | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # named, but no such publisher is configured

    @property
    def platforms(self) -> tuple[str, ...]:
        """The named destinations that can be booked."""
        return tuple(self.times)

    def own_times(self) -> dict[str, time]:
        """Only the destinations with a time of their own."""
        return {p: t for p, t in self.times.items() if t is not None}


def parse_destinations(text: str, configured: Iterable[str]) -> DestinationPlan:
    """Read the named destinations and their times from a schedule request (empty when none is named)."""
    configured = list(configured)
    timed: dict[str, time | None] = {}
    named: list[str] = []
    for match in MENTION.finditer(text):
        named.append(_canonical(match.group("name"), configured))
    for pattern, n in ((AFTER, 1), (BEFORE, 2)):
        for match in pattern.finditer(text):
            platform = _canonical(match.group("name"), configured)
            if platform not in timed or timed[platform] is None:
                timed[platform] = _clock(match, n)
    times: dict[str, time | None] = {}
    unknown: list[str] = []
    for platform in dict.fromkeys(named):
        if platform in configured:
            times[platform] = timed.get(platform)
        else:
            unknown.append(platform)
    return DestinationPlan(times=times, unknown=unknown)


def describe_times(times: Mapping[str, time], zone: str) -> str:
    """'TikTok 18:00 · YouTube Shorts 19:00 (America/New_York)' — each destination's wall time, together."""
    return " · ".join(f"{label(p)} {t:%H:%M}" for p, t in times.items()) + f" ({zone})"
