"""Escalate approvals pending too long: mention the approvers still missing in the season's thread — never approve.

Run periodically (a huey periodic task wired by the composition root). Each render is escalated at most once: the
ReviewEscalation row (primary key = render id) is committed before the message is posted, so two workers racing
cannot both post; if posting fails the claim is released and the next run tries again. A re-render is a new render
with a fresh clock, so it can be escalated again in its own right.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from agent.domain import EpisodeStatus
from agent.ports import Notice, ReviewChannel, ThreadRef, Tone
from agent.services.approvals import latest_render, missing_roles, waiting_on
from agent.services.seasons import audit
from agent.store.db import Store
from agent.store.models import EPISODE, Render, ReviewEscalation, ReviewMessage, Season

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "cliffhanger"
WAITING_STATES = (EpisodeStatus.IN_REVIEW, EpisodeStatus.RENDERED)


@dataclass
class Overdue:
    """One render waiting too long, and whose approval it waits for."""

    render_id: int
    episode: int
    title: str
    waiting_on: list[str]
    missing_roles: list[str] = field(default_factory=list)


def human(delta: timedelta) -> str:
    """"2 days", "26 h", "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes >= 120:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def find_overdue(store: Store, now: datetime, after: timedelta) -> dict[int, list[Overdue]]:
    """Season id → its posted, still-unapproved current renders older than `after` and not yet escalated."""
    cutoff = now - after
    found: dict[int, list[Overdue]] = {}
    with store.session() as session:
        rows = session.scalars(
            select(Render).join(ReviewMessage, ReviewMessage.render_id == Render.id)
            .outerjoin(ReviewEscalation, ReviewEscalation.render_id == Render.id)
            .where(ReviewEscalation.render_id.is_(None), Render.status == "DONE", Render.kind == EPISODE)
            .order_by(Render.id)
        ).unique().all()
        for render in rows:
            episode = render.episode
            season = episode.season
            posted_at = render.finished_at or render.created_at
            if latest_render(episode) is not render or episode.status not in WAITING_STATES or posted_at > cutoff:
                continue
            people = waiting_on(session, render, season)
            if not people:
                continue
            found.setdefault(season.id, []).append(Overdue(render.id, episode.number, episode.title, people,
                                                           missing_roles(session, render, season)))
    return found


def escalation_text(items: list[Overdue], after: timedelta) -> Notice:
    """The thread message: which episodes, who to nudge; and that nothing gets approved automatically."""
    users: dict[str, str] = {}
    values: dict[str, str] = {}
    lines = [f"*Waiting for approval for more than {human(after)}* — a nudge, not an auto-approve:"]
    for item in items:
        fields = []
        for user in item.waiting_on:
            users.setdefault(f"u{len(users)}", user)
            fields.append("{" + next(k for k, v in users.items() if v == user) + "}")
        roles = f" (needs {', '.join(item.missing_roles)} sign-off)" if item.missing_roles else ""
        values[f"t{item.episode}"] = item.title
        lines.append(f"• Ep {item.episode} · {{t{item.episode}}} — waiting on {', '.join(fields)}{roles}")
    lines.append("Approve on the card (or say *approve 3–5*), or ask for changes there with a note.")
    return Notice(template="\n".join(lines), users=users, values=values, tone=Tone.REMINDER)


def _claim(store: Store, season_id: int, items: list[Overdue]) -> bool:
    """Record the escalations before posting; False when another worker got there first."""
    try:
        with store.session() as session:
            for item in items:
                session.add(ReviewEscalation(render_id=item.render_id, season_id=season_id, mentioned=item.waiting_on))
                audit(session, season_id, SYSTEM_ACTOR, "review.escalated",
                      {"render": item.render_id, "episode": item.episode, "mentioned": item.waiting_on})
        return True
    except IntegrityError:
        return False


def _release(store: Store, items: list[Overdue]) -> None:
    with store.session() as session:
        session.execute(delete(ReviewEscalation).where(
            ReviewEscalation.render_id.in_([item.render_id for item in items])))


def escalate_overdue(store: Store, channel: ReviewChannel, now: datetime, after: timedelta) -> int:
    """Mention the missing approvers of every render pending longer than `after`; returns renders escalated."""
    escalated = 0
    for season_id, items in find_overdue(store, now, after).items():
        with store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        if not _claim(store, season_id, items):
            continue
        try:
            channel.say(thread, escalation_text(items, after))
        except Exception:  # the claim is released so the next run retries; the error still propagates to the queue
            log.exception("escalation message for season %s failed; will retry", season_id)
            _release(store, items)
            raise
        escalated += len(items)
    return escalated
