"""Reel captions for Meta's platforms: "Part N/M" up front (Reels have no series), within the caption limits.

tools/preflight.py states the same rule for the thread before anything is booked; a test keeps the two in step.
"""

from __future__ import annotations

from agent.ports import PublishPackage

CAPTION_LIMIT = 2200
HASHTAG_LIMIT = 30


def part_label(number: int, count: int | None) -> str:
    """'Part 3/10' (or 'Part 3' when the season's length is unknown)."""
    return f"Part {number}/{count}" if count else f"Part {number}"


def reel_caption(package: PublishPackage, limit: int = CAPTION_LIMIT, max_hashtags: int = HASHTAG_LIMIT) -> str:
    """'Part N/M · caption' + up to `max_hashtags` hashtags, cut to `limit` characters (hashtags survive the cut)."""
    tags = " ".join(package.hashtags[:max_hashtags])
    head = f"{part_label(package.episode_number, getattr(package, 'episode_count', None))} · {package.caption}"
    room = limit - (len(tags) + 2 if tags else 0)
    if len(head) > room:
        head = head[:max(0, room - 1)].rstrip() + "…"
    return f"{head}\n\n{tags}" if tags else head
