"""The review gate: reactions and buttons become approvals or change requests — deterministically, never via the model.

Every decision lands in the audit log. A non-approver's vote is refused with a reason the Slack layer shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus
from agent.ports import PostedMessage, ReviewCard, ReviewChannel
from agent.services.approvals import counted_approvers, is_render_approved, latest_render, missing_roles
from agent.services.seasons import audit
from agent.store.db import Store
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
    note: str = ""  # a change request's note, when it came with one (the modal)


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
    base = {"render_id": render.id, "episode_number": episode.number, "season_id": season.id,
            "thread_ts": season.thread_ts}
    detail = {"render": render.id, "episode": episode.number, "via": via}
    if user_id not in {a.user_id for a in season.approvers}:
        names = ", ".join(f"<@{a.user_id}>" for a in season.approvers)
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "not_approver"})
        what = "reaction" if via == "reaction" else "vote"
        return Decision(
            Outcome.NOT_APPROVER,
            message=f"Your {what} on Ep {episode.number} doesn't count: only this season's approvers ({names}) "
            "can approve or ask for changes. Ask one of them to add you (\"add @you as approver\").",
            **base,
        )
    if latest_render(episode) is not render:
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "superseded"})
        return Decision(Outcome.SUPERSEDED, message=f"That is an older version of Ep {episode.number}; "
                        "vote on the newest card in the thread.", **base)
    if episode.status == EpisodeStatus.PUBLISHED:
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "published"})
        return Decision(Outcome.ALREADY_PUBLISHED, message=f"Ep {episode.number} is already published.", **base)
    if not approve:
        request_changes(session, render=render, user_id=user_id, note=note, via=via)
        return Decision(Outcome.CHANGES_REQUESTED, refresh_cards=[render.id], note=note.strip(), **base)
    existing = session.scalar(select(Approval).where(Approval.render_id == render.id, Approval.user_id == user_id))
    if existing is None:
        session.add(Approval(render_id=render.id, user_id=user_id, via=via))
    else:
        existing.withdrawn_at = None
        existing.via = via
    changed_mind = session.scalars(select(ChangeRequest).where(  # approving answers one's own open request
        ChangeRequest.render_id == render.id, ChangeRequest.user_id == user_id,
        ChangeRequest.resolved_at.is_(None))).all()
    for request in changed_mind:
        request.resolved_at = utcnow()
    session.flush()
    audit(session, season.id, user_id, "review.approved",
          {**detail, "resolved_own_request": True} if changed_mind else detail)
    if is_render_approved(session, render, season):
        episode.status = EpisodeStatus.APPROVED
        return Decision(Outcome.APPROVED, refresh_cards=[render.id], **base)
    return Decision(Outcome.COUNTED, refresh_cards=[render.id], **base)


def request_changes(session: Session, *, render: Render, user_id: str, note: str, via: str) -> ChangeRequest:
    """Record (or complete) a change request; its scope comes from the note, "pending" until there is one.

    A :-1: arrives without a note and the note follows as a thread reply: both are the same request, so an open
    request by the same person on the same render is completed rather than duplicated.
    """
    from agent.services.revisions import classify_scope

    episode = render.episode
    request = session.scalar(select(ChangeRequest).where(
        ChangeRequest.render_id == render.id, ChangeRequest.user_id == user_id, ChangeRequest.resolved_at.is_(None)))
    scope = classify_scope(note).scope.value if note.strip() else "pending"
    episode.status = EpisodeStatus.CHANGES_REQUESTED
    own = session.scalar(select(Approval).where(  # asking for changes takes back one's own approval
        Approval.render_id == render.id, Approval.user_id == user_id, Approval.withdrawn_at.is_(None)))
    if own is not None:
        own.withdrawn_at = utcnow()
    if request is not None and (not note.strip() or request.note == note):
        return request  # the same request again (the modal's note reaching the conversation): audited once
    if request is None:
        request = ChangeRequest(render_id=render.id, user_id=user_id, note=note, scope=scope)
        session.add(request)
    else:
        request.note, request.scope = note, scope
    session.flush()
    audit(session, episode.season_id, user_id, "review.changes_requested",
          {"render": render.id, "episode": episode.number, "via": via, "note": note, "scope": scope,
           **({"withdrew_own_approval": True} if own is not None else {})})
    return request


def withdraw(session: Session, *, render: Render, user_id: str, via: str) -> Decision:
    """Withdraw an approval (reaction removed) — refused once the episode is published."""
    episode = render.episode
    season = episode.season
    base = {"render_id": render.id, "episode_number": episode.number, "season_id": season.id,
            "thread_ts": season.thread_ts}
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


def open_requests_of_episode(session: Session, episode: Episode) -> list[ChangeRequest]:
    """Open change requests on any render of the episode (a re-render answers them all)."""
    ids = [r.id for r in episode.renders]
    if not ids:
        return []
    return list(session.scalars(select(ChangeRequest).where(
        ChangeRequest.render_id.in_(ids), ChangeRequest.resolved_at.is_(None))).all())


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
        quorum=max(1, season.quorum),
    )


def posted_cards(session: Session, render_ids: list[int]) -> list[tuple[PostedMessage, ReviewCard]]:
    """(where the card is, what it should show now) for each posted render in `render_ids`."""
    cards = []
    for render_id in dict.fromkeys(render_ids):
        render = session.get(Render, render_id)
        posted = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id))
        if render is not None and posted is not None:
            cards.append((PostedMessage(channel_id=posted.channel_id, ts=posted.message_ts),
                          build_card(session, render)))
    return cards


def refresh_cards(store: Store, channel: ReviewChannel, render_ids: list[int]) -> int:
    """Update the approval cards of these renders in place (approved by …, superseded …); returns how many."""
    if not render_ids:
        return 0
    with store.session() as session:
        cards = posted_cards(session, render_ids)
    for message, card in cards:
        channel.update_card(message, card)
    return len(cards)


def older_posted_renders(session: Session, episode: Episode) -> list[int]:
    """Renders of this episode, other than the newest, whose cards are in the thread (they show "superseded")."""
    newest = latest_render(episode)
    ids = [r.id for r in episode.renders if newest is None or r.id != newest.id]
    if not ids:
        return []
    return list(session.scalars(select(ReviewMessage.render_id).where(ReviewMessage.render_id.in_(ids))).all())


def recompute_states(session: Session, season: Season) -> list[int]:
    """Re-derive APPROVED / IN_REVIEW after the rules changed (quorum, approvers, roles); returns changed renders.

    The episode status is a cache of "is the latest render approved?"; when the quorum goes from 1 to 2 an
    episode approved by one person is back in review, and its card must say so.
    """
    changed = []
    for episode in season.episodes:
        render = latest_render(episode)
        if render is None or render.status != "DONE":
            continue
        approved = is_render_approved(session, render, season)
        if approved and episode.status == EpisodeStatus.IN_REVIEW:
            episode.status = EpisodeStatus.APPROVED
        elif not approved and episode.status == EpisodeStatus.APPROVED:
            episode.status = EpisodeStatus.IN_REVIEW
        else:
            continue
        changed.append(render.id)
    return changed
