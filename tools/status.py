"""'Where are we?' — the season's state read from the database, as JSON (CLI) or text (thread)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from agent.services.approvals import counted_approvers, latest_render, missing_roles
from agent.store.db import Store
from agent.store.models import Publication, Season, Slot


class EpisodeView(BaseModel):
    """One episode's state for status answers."""

    number: int
    title: str
    status: str
    render_status: str | None = None
    versions: int = 0
    approved_by: list[str] = Field(default_factory=list)
    waiting_on: list[str] = Field(default_factory=list)
    missing_roles: list[str] = Field(default_factory=list)
    publish_at: str | None = None
    published: bool = False
    continuity_passed: bool | None = None


class SeasonView(BaseModel):
    """The whole season at a glance."""

    id: int
    title: str
    status: str
    thread: str
    approvers: list[str]
    quorum: int
    episodes: list[EpisodeView]

    @property
    def next_publish(self) -> str | None:
        """Earliest unpublished slot."""
        upcoming = sorted(e.publish_at for e in self.episodes if e.publish_at and not e.published)
        return upcoming[0] if upcoming else None

    def to_text(self) -> str:
        """mrkdwn summary for the thread."""
        counts: dict[str, int] = {}
        for ep in self.episodes:
            counts[ep.status] = counts.get(ep.status, 0) + 1
        summary = ", ".join(f"{n} {s.lower().replace('_', ' ')}" for s, n in sorted(counts.items())) or "no episodes yet"
        lines = [f"*{self.title}* — stage *{self.status}* ({summary})"]
        for ep in self.episodes:
            extra = ""
            if ep.waiting_on:
                extra = " · waiting on " + ", ".join(f"<@{u}>" for u in ep.waiting_on)
            if ep.publish_at:
                extra += f" · {'published' if ep.published else 'drops'} {ep.publish_at}"
            lines.append(f"• Ep {ep.number} _{ep.title}_ — {ep.status.lower().replace('_', ' ')}{extra}")
        if self.next_publish:
            lines.append(f"Next drop: {self.next_publish}")
        lines.append("Approvers: " + (", ".join(f"<@{a}>" for a in self.approvers) or "none") + f" (quorum {self.quorum})")
        return "\n".join(lines)


def season_view(store: Store, season_id: int) -> SeasonView:
    """Read the season and its episodes' states."""
    with store.session() as session:
        season = session.get(Season, season_id)
        if season is None:
            raise LookupError(f"No season with id {season_id}")
        approvers = [a.user_id for a in season.approvers]
        episodes = []
        for ep in season.episodes:
            render = latest_render(ep)
            approved = counted_approvers(session, render, season) if render else []
            slot = session.scalar(select(Slot).where(Slot.episode_id == ep.id).order_by(Slot.publish_at))
            published = False
            if slot is not None:
                published = session.scalar(
                    select(Publication.id).where(Publication.slot_id == slot.id, Publication.status == "PUBLISHED")
                ) is not None
            report: dict[str, Any] = (render.report or {}) if render else {}
            episodes.append(EpisodeView(
                number=ep.number, title=ep.title, status=ep.status,
                render_status=render.status if render else None, versions=len(ep.renders),
                approved_by=approved,
                waiting_on=[a for a in approvers if a not in approved] if ep.status == "IN_REVIEW" else [],
                missing_roles=missing_roles(session, render, season) if render else [],
                publish_at=slot.publish_at.isoformat() if slot else None, published=published,
                continuity_passed=report.get("passed") if report else None,
            ))
        return SeasonView(id=season.id, title=season.title, status=season.status, thread=season.thread_key,
                          approvers=approvers, quorum=season.quorum, episodes=episodes)


def all_seasons(store: Store) -> list[tuple[int, str, str]]:
    """(id, title, status) of every season, newest first."""
    with store.session() as session:
        return [(s.id, s.title, s.status) for s in session.scalars(select(Season).order_by(Season.id.desc()))]
