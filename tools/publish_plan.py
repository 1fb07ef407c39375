"""Check a season's schedule against the platforms' own limits before release day, and say what will happen.

A publisher that has limits exposes `limits() -> dict` (duck-typed, so tools/ never imports an adapter). Keys, all
optional: `private_only` (bool), `max_duration_s` (int), `posts_per_day` / `pending_inbox_per_day` (int, per
rolling 24 h on one account), `init_per_minute` (int), `mode` ('direct' | 'inbox'), `account` (str), `problem`
(str: the limits could not be fetched). TikTok's: an unaudited app posts SELF_ONLY only, direct-post init is 6/min
per token, an account gets a handful of pending inbox shares per 24 h, and creator_info says the longest video.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from agent.ports import Publisher
from agent.store.db import Store
from agent.store.models import EPISODE, Episode, Publication, Render, Slot
from tools.publish_ledger import PUBLISHED, as_utc


def _busiest(times: list[datetime], window: timedelta) -> tuple[int, datetime | None]:
    """Most instants inside any window starting at one of them, and where that window starts."""
    ordered, best, at = sorted(times), 0, None
    for i, start in enumerate(ordered):
        inside = sum(1 for t in ordered[i:] if t < start + window)
        if inside > best:
            best, at = inside, start
    return best, at


def _limits(publisher: Publisher) -> dict[str, Any] | None:
    """The publisher's limits, or None when it declares none."""
    probe = getattr(publisher, "limits", None)
    return dict(probe()) if callable(probe) else None


def check_plan(store: Store, season_id: int, publishers: Mapping[str, Publisher]) -> list[str]:
    """Warnings (thread-ready sentences) for every slot of the season that would break a platform limit.

    Counting is per platform across all seasons' unpublished slots, since one account posts them all. Each warning
    says what will happen at release time (inbox draft or outbox), so nothing fails silently on the day.
    """
    warnings: list[str] = []
    with store.session() as session:
        rows = session.execute(select(Slot, Episode).join(Episode, Slot.episode_id == Episode.id)).all()
        published = set(session.scalars(select(Publication.slot_id).where(Publication.status == PUBLISHED)))
        durations = {ep_id: dur for ep_id, dur in session.execute(
            select(Render.episode_id, Render.duration_s).where(Render.kind == EPISODE).order_by(Render.id))}  # last (newest) render wins
    for platform in sorted({slot.platform for slot, ep in rows if ep.season_id == season_id}):
        publisher = publishers.get(platform)
        limits = _limits(publisher) if publisher is not None else None
        if not limits:
            continue
        mine = [(slot, ep) for slot, ep in rows if slot.platform == platform and slot.id not in published]
        ours = [(slot, ep) for slot, ep in mine if ep.season_id == season_id]
        who = limits.get("account") or platform
        if limits.get("problem"):
            warnings.append(f"I couldn't ask {platform} what {who} may post ({limits['problem']}); the checks below "
                            "use the configured limits only.")
        if limits.get("private_only") and ours:
            owner = {"youtube": "YouTube", "instagram": "Meta", "facebook": "Meta"}.get(platform, "TikTok")
            warnings.append(f"{platform}: the app is not audited yet, so episodes post as private (SELF_ONLY) — only "
                            f"{who} sees them until the app passes {owner}'s audit. The outbox copy is for going "
                            "public.")
        cap = limits.get("max_duration_s")
        for slot, ep in ours:
            duration = durations.get(ep.id)
            if cap and duration and duration > cap:
                warnings.append(f"Ep {ep.number} '{ep.title}' runs {duration:.0f} s but {who} may post at most {cap} s "
                                f"through the API: at its slot it goes to the outbox instead of {platform}.")
        times = [as_utc(slot.publish_at) for slot, _ in mine]
        inbox = limits.get("mode") == "inbox"
        daily = limits.get("pending_inbox_per_day" if inbox else "posts_per_day")
        count, start = _busiest(times, timedelta(hours=24))
        if daily and count > daily and start is not None:
            then = ("the extra ones go to the outbox" if inbox else
                    "the extra ones become inbox drafts (or go to the outbox if the inbox is full)")
            warnings.append(f"{count} {platform} releases fall within 24 h from {start:%d %b %H:%M} UTC, above the "
                            f"{daily} a day {who} may {'keep pending in the inbox' if inbox else 'post'}: {then}. "
                            "Spread the cadence to avoid it.")
        per_minute = limits.get("init_per_minute")
        count, start = _busiest(times, timedelta(minutes=1))
        if per_minute and count > per_minute and start is not None:
            warnings.append(f"{count} {platform} releases start in the same minute ({start:%d %b %H:%M} UTC), above "
                            f"TikTok's {per_minute} uploads a minute: some will back off and go out a few minutes late.")
    return warnings
