"""The review gate: reactions and buttons become approvals or change requests — deterministically, never via the model.

Every decision lands in the audit log. A non-approver's vote is refused with a reason the Slack layer shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus
from agent.ports import ReviewCard
from agent.services.approvals import counted_approvers, is_render_approved, latest_render, missing_roles
from agent.services.seasons import audit
from agent.store.models import Approval, ChangeRequest, Episode, Render, ReviewMessage, Season, utcnow

APPROVE_REACTIONS = {"+1", "thumbsup"}
CHANGE_REACTIONS = {"-1", "thumbsdown"}


class Outcome(StrEnum):
    """What a vote did."""

    APPROVED = "approved"  # counted; the episode reached quorum
    COUNTED = "counted"  # counted; more approvals needed
    WITHDRAWN = "withdrawn"
    CHANGES_REQUESTED = "changes_requested"
    NOT_APPROVER = "not_approver"
    SUPERSEDED = "superseded"
    ALREADY_PUBLISHED = "already_published"
    IGNORED = "ignored"  # not a review message or not a review reaction


@dataclass
class Decision:
    """The result of one vote, with what the Slack layer needs to tell people."""

    outcome: Outcome
    render_id: int | None = None
    episode_number: int | None = None
    season_id: int | None = None
    thread_ts: str | None = None
    message: str = ""
    refresh_cards: list[int] = field(default_factory=list)


def normalise_reaction(name: str) -> str:
    """`+1::skin-tone-3` → `+1`."""
    return name.split("::", 1)[0]


def review_message_for(session: Session, channel_id: str, ts: str) -> ReviewMessage | None:
    """The approval card posted at (channel, ts), if that message is one."""
    return session.scalar(
        select(ReviewMessage).where(ReviewMessage.channel_id == channel_id, ReviewMessage.message_ts == ts)
    )


def vote(session: Session, *, render: Render, user_id: str, approve: bool, via: str, note: str = "") -> Decision:
    """Record an approval or a change request from `user_id` on `render`."""
    episode = render.episode
    season = episode.season
    base = dict(render_id=render.id, episode_number=episode.number, season_id=season.id, thread_ts=season.thread_ts)
    if user_id not in {a.user_id for a in season.approvers}:
        names = ", ".join(f"<@{a.user_id}>" for a in season.approvers)
        return Decision(
            Outcome.NOT_APPROVER,
            message=f"Your reaction on Ep {episode.number} doesn't count: only this season's approvers ({names}) "
            "can approve. Ask one of them to add you (\"add @you as approver\").",
            **base,
        )
    if latest_render(episode) is not render:
        return Decision(Outcome.SUPERSEDED, message=f"That is an older version of Ep {episode.number}.", **base)
    if episode.status == EpisodeStatus.PUBLISHED:
        return Decision(Outcome.ALREADY_PUBLISHED, message=f"Ep {episode.number} is already published.", **base)
    if not approve:
        session.add(ChangeRequest(render_id=render.id, user_id=user_id, note=note, scope="script"))
        episode.status = EpisodeStatus.CHANGES_REQUESTED
        audit(session, season.id, user_id, "review.changes_requested",
              {"render": render.id, "episode": episode.number, "via": via, "note": note})
        return Decision(Outcome.CHANGES_REQUESTED, refresh_cards=[render.id], **base)
    existing = session.scalar(select(Approval).where(Approval.render_id == render.id, Approval.user_id == user_id))
    if existing is None:
        session.add(Approval(render_id=render.id, user_id=user_id, via=via))
    else:
        existing.withdrawn_at = None
        existing.via = via
    session.flush()
    audit(session, season.id, user_id, "review.approved", {"render": render.id, "episode": episode.number, "via": via})
    if is_render_approved(session, render, season):
        episode.status = EpisodeStatus.APPROVED
        return Decision(Outcome.APPROVED, refresh_cards=[render.id], **base)
    return Decision(Outcome.COUNTED, refresh_cards=[render.id], **base)


def withdraw(session: Session, *, render: Render, user_id: str, via: str) -> Decision:
    """Withdraw an approval (reaction removed) — refused once the episode is published."""
    episode = render.episode
    season = episode.season
    base = dict(render_id=render.id, episode_number=episode.number, season_id=season.id, thread_ts=season.thread_ts)
    if episode.status == EpisodeStatus.PUBLISHED:
        return Decision(Outcome.ALREADY_PUBLISHED, **base)
    existing = session.scalar(select(Approval).where(Approval.render_id == render.id, Approval.user_id == user_id))
    if existing is None or existing.withdrawn_at is not None:
        return Decision(Outcome.IGNORED, **base)
    existing.withdrawn_at = utcnow()
    session.flush()
    audit(session, season.id, user_id, "review.withdrawn", {"render": render.id, "episode": episode.number, "via": via})
    if episode.status in (EpisodeStatus.APPROVED, EpisodeStatus.SCHEDULED) and not is_render_approved(
        session, render, season
    ):
        episode.status = EpisodeStatus.IN_REVIEW
    return Decision(Outcome.WITHDRAWN, refresh_cards=[render.id], **base)


def handle_reaction(
    session: Session, *, channel_id: str, ts: str, user_id: str, reaction: str, added: bool
) -> Decision:
    """A reaction on an approval card: :+1: approves, :-1: asks for changes, removal withdraws."""
    name = normalise_reaction(reaction)
    posted = review_message_for(session, channel_id, ts)
    if posted is None or name not in APPROVE_REACTIONS | CHANGE_REACTIONS:
        return Decision(Outcome.IGNORED)
    render = session.get(Render, posted.render_id)
    assert render is not None
    if not added:
        if name in APPROVE_REACTIONS:
            return withdraw(session, render=render, user_id=user_id, via="reaction")
        return Decision(Outcome.IGNORED)
    return vote(session, render=render, user_id=user_id, approve=name in APPROVE_REACTIONS, via="reaction")


def open_change_requests(session: Session, season: Season) -> list[tuple[ChangeRequest, Episode]]:
    """Unresolved change requests of the season's current renders, oldest first."""
    result = []
    for episode in season.episodes:
        render = latest_render(episode)
        if render is None:
            continue
        for request in session.scalars(
            select(ChangeRequest).where(ChangeRequest.render_id == render.id, ChangeRequest.resolved_at.is_(None))
        ):
            result.append((request, episode))
    return sorted(result, key=lambda pair: pair[0].created_at)


def build_card(session: Session, render: Render) -> ReviewCard:
    """The approval card's content from the database."""
    from pathlib import Path

    episode = render.episode
    season = episode.season
    report = render.report or {}
    superseded = latest_render(episode) is not render
    changes = session.scalars(
        select(ChangeRequest.user_id).where(ChangeRequest.render_id == render.id, ChangeRequest.resolved_at.is_(None))
    ).all()
    state = "SUPERSEDED" if superseded else episode.status
    return ReviewCard(
        render_id=render.id,
        episode_number=episode.number,
        title=episode.title,
        duration_s=render.duration_s or 0.0,
        video_path=Path(render.video_path or ""),
        cover_path=Path(render.cover_path) if render.cover_path else None,
        continuity_summary=str(report.get("summary", "")),
        continuity_passed=bool(report.get("passed", True)),
        version=sum(1 for r in episode.renders if r.id <= render.id),
        state=state,
        approved_by=counted_approvers(session, render, season),
        changes_by=list(dict.fromkeys(changes)),
        missing_roles=missing_roles(session, render, season),
    )
