"""The one place that decides whether a render is approved (quorum of the season's approvers, not withdrawn).

Publishing, scheduling, status and the review cards all ask here, so the rule cannot drift between them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.services.seasons import audit
from agent.store.models import Approval, Approver, ChangeRequest, Episode, Render, Season


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


def open_change_requesters(session: Session, render: Render, season: Season) -> list[str]:
    """Approvers with an unresolved change request on this render (an open request blocks its approval)."""
    allowed = {a.user_id for a in season.approvers}
    rows = session.scalars(select(ChangeRequest.user_id).where(
        ChangeRequest.render_id == render.id, ChangeRequest.resolved_at.is_(None)))
    return [user for user in dict.fromkeys(rows) if user in allowed]


def is_render_approved(session: Session, render: Render, season: Season) -> bool:
    """Quorum reached, every required role signed off, and no approver's change request still open."""
    if render.status != "DONE":
        return False
    approvers = counted_approvers(session, render, season)
    return (len(approvers) >= max(1, season.quorum) and not missing_roles(session, render, season)
            and not open_change_requesters(session, render, season))


def approved_render(session: Session, episode: Episode) -> Render | None:
    """The render that may be published for this episode, or None (only the latest render can be)."""
    render = latest_render(episode)
    if render is None:
        return None
    return render if is_render_approved(session, render, episode.season) else None


def waiting_on(session: Session, render: Render, season: Season) -> list[str]:
    """Approvers whose sign-off would still help this render: everyone who hasn't approved, while it isn't approved.

    Used for escalations and status ("who still has to approve"): mentioning people whose vote cannot change
    anything would be noise, so an approved render waits on nobody.
    """
    if is_render_approved(session, render, season):
        return []
    approved = set(counted_approvers(session, render, season))
    roles = set(missing_roles(session, render, season))
    pending = [a for a in season.approvers if a.user_id not in approved]
    if roles and len(approved) >= max(1, season.quorum):  # quorum met: only the missing roles can unblock it
        pending = [a for a in pending if a.role in roles]
    return [a.user_id for a in pending]


class ApproverError(ValueError):
    """An approver change the season's rules don't allow; the message is shown in the thread."""


def set_approver(session: Session, season: Season, user_id: str, actor: str, role: str | None = None) -> str:
    """Add an approver, or give an existing one a (new) role; returns "added", "updated" or "unchanged"."""
    role = role.lower() if role else None
    existing = next((a for a in season.approvers if a.user_id == user_id), None)
    if existing is None:
        season.approvers.append(Approver(user_id=user_id, role=role))
        audit(session, season.id, actor, "approver.added", {"user": user_id, "role": role})
        session.flush()
        return "added"
    if role is None or existing.role == role:
        return "unchanged"
    existing.role = role
    audit(session, season.id, actor, "approver.role_set", {"user": user_id, "role": role})
    session.flush()
    return "updated"


def remove_approver(session: Session, season: Season, user_id: str, actor: str) -> None:
    """Take someone off the list; refused when it would leave no approver or a quorum nobody can reach."""
    existing = next((a for a in season.approvers if a.user_id == user_id), None)
    if existing is None:
        raise ApproverError(f"<@{user_id}> isn't an approver of this season.")
    if len(season.approvers) <= 1:
        raise ApproverError("A season needs at least one approver — add someone else first.")
    if season.quorum > len(season.approvers) - 1:
        raise ApproverError(f"The quorum is {season.quorum}; lower it (\"quorum {len(season.approvers) - 1}\") "
                            "before removing an approver.")
    season.approvers.remove(existing)
    session.flush()
    audit(session, season.id, actor, "approver.removed", {"user": user_id, "role": existing.role})


def set_quorum(session: Session, season: Season, quorum: int, actor: str) -> None:
    """Approvals each episode needs; between 1 and the number of approvers."""
    if quorum < 1 or quorum > len(season.approvers):
        raise ApproverError(f"A quorum must be between 1 and the number of approvers ({len(season.approvers)}).")
    season.quorum = quorum
    audit(session, season.id, actor, "quorum.set", {"quorum": quorum})
