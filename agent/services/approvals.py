"""The one place that decides whether a render is approved (quorum of the season's approvers, not withdrawn).

Publishing, scheduling, status and the review cards all ask here, so the rule cannot drift between them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.store.models import Approval, Episode, Render, Season


def counted_approvers(session: Session, render: Render, season: Season) -> list[str]:
    """Approvers of this render who are on the season's list and have not withdrawn, in approval order."""
    allowed = {a.user_id for a in season.approvers}
    rows = session.scalars(
        select(Approval)
        .where(Approval.render_id == render.id, Approval.withdrawn_at.is_(None))
        .order_by(Approval.created_at, Approval.id)
    )
    return [row.user_id for row in rows if row.user_id in allowed]


def missing_roles(session: Session, render: Render, season: Season) -> list[str]:
    """Sign-off roles (e.g. brand, legal) that no counted approver of this render holds yet."""
    roles = {a.role for a in season.approvers if a.role}
    if not roles:
        return []
    approved = set(counted_approvers(session, render, season))
    covered = {a.role for a in season.approvers if a.role and a.user_id in approved}
    return sorted(roles - covered)


def latest_render(episode: Episode) -> Render | None:
    """The episode's newest render (an approval belongs to one render; older ones are superseded)."""
    return episode.renders[-1] if episode.renders else None


def is_render_approved(session: Session, render: Render, season: Season) -> bool:
    """Quorum reached and every required role signed off."""
    if render.status != "DONE":
        return False
    approvers = counted_approvers(session, render, season)
    return len(approvers) >= max(1, season.quorum) and not missing_roles(session, render, season)


def approved_render(session: Session, episode: Episode) -> Render | None:
    """The render that may be published for this episode, or None (only the latest render can be)."""
    render = latest_render(episode)
    if render is None:
        return None
    return render if is_render_approved(session, render, episode.season) else None
