"""The one gate: whether a reviewable item (an episode cut or a campaign asset — both `Render` rows) may go out.

The rule, for every kind: the item is finished, it is the current version, its card really is in the thread (a
ReviewMessage row exists — nobody approves what nobody saw), a quorum of the season's listed approvers approved it
without withdrawing, every sign-off role is present and no approver's change request is open. Kind-specific checks
live here too: a campaign asset flagged by the Persona Brief (when made, or by today's bible) is never approved.
Publishing, scheduling, status and the cards all ask `why_not_approved`, so the rule and its explanation cannot
drift apart.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.brain.lint import lint_text
from agent.ports import Notice
from agent.services.assets import is_current
from agent.services.seasons import audit, current_bible
from agent.store.models import Approval, Approver, ChangeRequest, Episode, Render, ReviewMessage, Season

DONE, FLAGGED = "DONE", "FLAGGED"


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


def is_current_item(session: Session, render: Render) -> bool:
    """No newer version of the same item exists (a newer cut of the episode, or a newer version of the asset)."""
    if render.is_episode:
        return latest_render(render.episode) is render
    return is_current(session, render)


def card_posted(session: Session, render: Render) -> bool:
    """Is this item's card in the thread? (A render whose upload failed is finished but not reviewable.)"""
    return session.scalar(select(ReviewMessage.id).where(ReviewMessage.render_id == render.id).limit(1)) is not None


def lint_now(session: Session, render: Render, season: Season) -> list[str]:
    """Banned words in an asset's copy under the *current* bible (it may have changed since generation)."""
    if render.is_episode or not render.text:
        return []
    return [str(f) for f in lint_text(render.text, current_bible(session, season), f"{render.kind} v{render.version}")]


def item_label(render: Render) -> str:
    """"Ep 3" or "the Ep 3 quote v2": how messages name an item."""
    number = render.episode.number
    return f"Ep {number}" if render.is_episode else f"the Ep {number} {render.kind} v{render.version}"


def not_ready_reason(session: Session, render: Render, season: Season) -> str:
    """Why nobody can vote on this item yet ('' when its card is in the thread and it is current and finished)."""
    if render.status == FLAGGED:
        remaining = "; ".join((render.lint or {}).get("remaining", [])) or "banned words"
        return f"it is flagged by the Persona Brief ({remaining}) — ask me to redo it"
    if render.status != DONE:
        return f"it is {render.status.lower()}, not finished"
    if not is_current_item(session, render):
        return "a newer version exists"
    if not card_posted(session, render):
        what = f"say *post ep {render.episode.number} again*" if render.is_episode else "I'll post it again"
        return f"its card isn't in the thread yet (the upload didn't go through — {what})"
    if findings := lint_now(session, render, season):
        return "it is flagged by the Persona Brief (" + "; ".join(findings) + ") — ask me to redo it"
    return ""


def why_not_approved(session: Session, render: Render, season: Season) -> str:
    """The one "why this won't publish yet" for any item, in words for the thread ('' when it is approved)."""
    if reason := not_ready_reason(session, render, season):
        return reason
    quorum = max(1, season.quorum)
    counted = counted_approvers(session, render, season)
    problems = []
    if len(counted) < quorum:
        problems.append(f"it has {len(counted)} of {quorum} required approval(s) from the season's approvers")
    if roles := missing_roles(session, render, season):
        problems.append(f"it still needs sign-off from {', '.join(roles)}")
    if requesters := open_change_requesters(session, render, season):
        problems.append("changes were asked for by " + ", ".join(requesters))
    return " and ".join(problems)


def is_render_approved(session: Session, render: Render, season: Season) -> bool:
    """Approved for publishing: the gate of `why_not_approved` has nothing to say."""
    return not why_not_approved(session, render, season)


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


def literal(text: str) -> Notice:
    """Plain service wording as a Notice (braces stay literal)."""
    return Notice(template=text.replace("{", "{{").replace("}", "}}"))


class ApproverError(ValueError):
    """An approver change the season's rules don't allow; `notice` is shown in the thread (str(error) is plain)."""

    def __init__(self, message: str | Notice) -> None:
        self.notice = message if isinstance(message, Notice) else literal(message)
        super().__init__(self.notice.plain())


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
        raise ApproverError(Notice(template="{user} isn't an approver of this season.", users={"user": user_id}))
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
