"""The review gate for every kind of item: votes become approvals or change requests — deterministically, never via
the model.

An episode cut and a campaign asset are both `Render` rows, so one `vote` records both: the rule of whether the
item counts as approved is agent.services.approvals; what differs per kind is only the follow-up (an episode's
status; a change request naming an asset queues a new version of that asset only). A message showing several
items (a campaign message) has one ReviewMessage row per item, and a reaction on it votes on each. Every decision
lands in the audit log; a refused vote comes back with its reason for the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus
from agent.ports import CampaignCard, Notice, PostedMessage, ReviewCard, ReviewChannel
from agent.services.approvals import (
    counted_approvers,
    is_current_item,
    is_render_approved,
    latest_render,
    missing_roles,
    not_ready_reason,
)
from agent.services.assets import is_published
from agent.services.campaign_review import build_campaign_card, request_asset_change
from agent.services.revisions import classify_scope
from agent.services.seasons import audit
from agent.store.db import Store
from agent.store.models import Approval, ChangeRequest, Episode, Render, ReviewMessage, Season, utcnow
from tools.campaign.asset import LABELS

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
    ALREADY_PUBLISHED = "already_published"  # also: an approval removed after publishing (audited; `message` says so)
    NOT_READY = "not_ready"  # unfinished, flagged, or its card never reached the thread (`message` says which)
    NEEDS_NOTE = "needs_note"  # a campaign asset's :-1: without saying what to change
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
    kind: str = "episode"  # the item's kind ("episode", "teaser", "quote", …)
    render_ids: list[int] = field(default_factory=list)  # every item the vote touched (a campaign message: several)
    enqueue: list[int] = field(default_factory=list)  # new asset versions to generate (ring the doorbell)
    notice: Notice | None = None  # the message as a Notice when it names people (`message` is then its plain text)


def normalise_reaction(name: str) -> str:
    """`+1::skin-tone-3` → `+1`."""
    return name.split("::", 1)[0]


def review_message_for(session: Session, channel_id: str, ts: str) -> ReviewMessage | None:
    """The (first) item row of the review message posted at (channel, ts), if that message is one."""
    return session.scalar(select(ReviewMessage).where(ReviewMessage.channel_id == channel_id,
                                                      ReviewMessage.message_ts == ts).order_by(ReviewMessage.id))


def items_of_message(session: Session, channel_id: str, ts: str) -> list[Render]:
    """Every item the message at (channel, ts) shows (one for an episode card, several for a campaign message)."""
    ids = session.scalars(select(ReviewMessage.render_id).where(ReviewMessage.channel_id == channel_id,
                                                                ReviewMessage.message_ts == ts)
                          .order_by(ReviewMessage.id)).all()
    return [render for i in dict.fromkeys(ids) if (render := session.get(Render, i)) is not None]


def _published(session: Session, render: Render) -> bool:
    if render.is_episode:
        return render.episode.status == EpisodeStatus.PUBLISHED
    return is_published(session, render.id)


def _label(render: Render) -> str:
    if render.is_episode:
        return f"Ep {render.episode.number}"
    return f"the Ep {render.episode.number} {LABELS.get(render.kind, render.kind).lower()} v{render.version}"


def vote(session: Session, *, render: Render, user_id: str, approve: bool, via: str, note: str = "") -> Decision:
    """Record an approval or a change request from `user_id` on any item; refused ones say why."""
    episode = render.episode
    season = episode.season
    base = {"render_id": render.id, "episode_number": episode.number, "season_id": season.id,
            "thread_ts": season.thread_ts, "kind": render.kind, "render_ids": [render.id]}
    detail = {"render": render.id, "episode": episode.number, "via": via,
              **({} if render.is_episode else {"kind": render.kind, "version": render.version})}
    label = _label(render)
    if user_id not in {a.user_id for a in season.approvers}:
        users = {f"a{i}": a.user_id for i, a in enumerate(season.approvers)}
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "not_approver"})
        what = "reaction" if via == "reaction" else "vote"
        notice = Notice(template=f"Your {what} on {label} doesn't count: only this season's approvers ("
                        + ", ".join("{" + f + "}" for f in users) + ") can approve or ask for changes. Ask one of "
                        "them to add you (\"add @you as approver\").", users=users)
        return Decision(Outcome.NOT_APPROVER, message=notice.plain(), notice=notice, **base)
    if not is_current_item(session, render):
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "superseded"})
        return Decision(Outcome.SUPERSEDED, message=f"That is an older version of {label}; "
                        "vote on the newest card in the thread.", **base)
    if _published(session, render):
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "published"})
        return Decision(Outcome.ALREADY_PUBLISHED, message=f"{label[:1].upper()}{label[1:]} is already published.",
                        **base)
    if not approve and not render.is_episode:
        return _asset_change(session, render, user_id, note, via, base, detail)
    if reason := not_ready_reason(session, render, season):  # nobody approves what nobody could see
        audit(session, season.id, user_id, "review.refused", {**detail, "reason": "not_ready", "why": reason})
        return Decision(Outcome.NOT_READY, message=f"Your vote on {label} wasn't recorded: {reason}.", **base)
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
        if render.is_episode:
            episode.status = EpisodeStatus.APPROVED
        return Decision(Outcome.APPROVED, refresh_cards=[render.id], **base)
    return Decision(Outcome.COUNTED, refresh_cards=[render.id], **base)


def needs_note(user_id: str, number: int, kinds: list[str]) -> Notice:
    """Ask which asset and what to change (a thumbs-down on a campaign message says neither)."""
    example = "quote" if "quote" in kinds else kinds[0]
    return Notice(template=f"{{user}} wants changes on the Ep {number} campaign. Reply with the asset and the note, "
                  f"e.g. “Ep {number} {example}: use \"…\"” ({' / '.join(kinds)}); I'll redo only that one.",
                  users={"user": user_id})


def _asset_change(session: Session, asset: Render, user_id: str, note: str, via: str, base: dict,
                  detail: dict) -> Decision:
    """A change request on a campaign asset: with a note, a new version of that asset only; without, ask for one."""
    episode = asset.episode
    if not note.strip():
        notice = needs_note(user_id, episode.number, [asset.kind])
        return Decision(Outcome.NEEDS_NOTE, message=notice.plain(), notice=notice, **base)
    fresh, problem = request_asset_change(session, asset, user_id=user_id, note=note)
    if fresh is None:
        audit(session, episode.season_id, user_id, "review.refused", {**detail, "reason": "change", "why": problem})
        return Decision(Outcome.NOT_READY, message=problem, **base)
    audit(session, episode.season_id, user_id, "review.changes_requested",
          {**detail, "note": note, "scope": "asset", "new": fresh.id})
    return Decision(Outcome.CHANGES_REQUESTED, refresh_cards=[asset.id], note=note.strip(), enqueue=[fresh.id],
                    message=f"Redoing the Ep {episode.number} {LABELS.get(asset.kind, asset.kind).lower()} "
                            f"(v{fresh.version}) — only that asset; it comes back here for approval.", **base)


def request_changes(session: Session, *, render: Render, user_id: str, note: str, via: str) -> ChangeRequest:
    """Record (or complete) a change request; its scope comes from the note, "pending" until there is one.

    A :-1: arrives without a note and the note follows as a thread reply: both are the same request, so an open
    request by the same person on the same render is completed rather than duplicated.
    """
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
    """Withdraw an approval (reaction removed). After publishing it changes nothing, but it is audited and answered."""
    episode = render.episode
    season = episode.season
    base = {"render_id": render.id, "episode_number": episode.number, "season_id": season.id,
            "thread_ts": season.thread_ts, "kind": render.kind, "render_ids": [render.id]}
    existing = session.scalar(select(Approval).where(Approval.render_id == render.id, Approval.user_id == user_id))
    if _published(session, render):
        audit(session, season.id, user_id, "review.withdrawn_after_publish",
              {"render": render.id, "episode": episode.number, "kind": render.kind, "via": via,
               "had_approved": existing is not None and existing.withdrawn_at is None})
        label = _label(render)
        return Decision(Outcome.ALREADY_PUBLISHED, message=(
            f"{label[:1].upper()}{label[1:]} is already published, so taking back an approval doesn't unpublish it. "
            "I've noted it in the audit log; to take it down, remove it on the platform."), **base)
    if existing is None or existing.withdrawn_at is not None:
        return Decision(Outcome.IGNORED, **base)
    existing.withdrawn_at = utcnow()
    session.flush()
    audit(session, season.id, user_id, "review.withdrawn", {"render": render.id, "episode": episode.number,
                                                            "kind": render.kind, "via": via})
    if render.is_episode and episode.status in (EpisodeStatus.APPROVED, EpisodeStatus.SCHEDULED) and not \
            is_render_approved(session, render, season):
        episode.status = EpisodeStatus.IN_REVIEW
    return Decision(Outcome.WITHDRAWN, refresh_cards=[render.id], **base)


def _combine(decisions: list[Decision]) -> Decision:
    """One answer for a vote on a message showing several items (a campaign message)."""
    live = [d for d in decisions if d.outcome != Outcome.IGNORED]
    if not live:
        return Decision(Outcome.IGNORED)
    for outcome in (Outcome.NOT_APPROVER, Outcome.NEEDS_NOTE):
        if first := next((d for d in live if d.outcome == outcome), None):
            first.render_ids = [i for d in live for i in d.render_ids]
            return first
    order = (Outcome.APPROVED, Outcome.COUNTED, Outcome.WITHDRAWN, Outcome.CHANGES_REQUESTED)
    best = next((d for o in order for d in live if d.outcome == o), live[0])
    refused = [d.message for d in live if d.outcome not in order and d.message]
    result = Decision(best.outcome, render_id=best.render_id, episode_number=best.episode_number,
                      season_id=best.season_id, thread_ts=best.thread_ts, kind=best.kind,
                      message=" ".join(refused) if best.outcome in order else best.message,
                      refresh_cards=list(dict.fromkeys(i for d in decisions for i in d.render_ids)),
                      render_ids=[i for d in live for i in d.render_ids],
                      enqueue=[i for d in live for i in d.enqueue])
    return result


def handle_reaction(
    session: Session, *, channel_id: str, ts: str, user_id: str, reaction: str, added: bool
) -> Decision:
    """A reaction on a review message: :+1: approves, :-1: asks for changes, removal withdraws — on every item the
    message shows."""
    name = normalise_reaction(reaction)
    items = items_of_message(session, channel_id, ts)
    if not items or name not in APPROVE_REACTIONS | CHANGE_REACTIONS:
        return Decision(Outcome.IGNORED)
    if not added and name not in APPROVE_REACTIONS:
        return Decision(Outcome.IGNORED)
    if not added:
        decisions = [withdraw(session, render=item, user_id=user_id, via="reaction") for item in items]
    elif name in CHANGE_REACTIONS and len(items) > 1:  # which of the assets? the note says — ask for it once
        decisions = [vote(session, render=items[0], user_id=user_id, approve=False, via="reaction")]
        if decisions[0].outcome == Outcome.NEEDS_NOTE:
            decisions[0].notice = needs_note(user_id, items[0].episode.number, [i.kind for i in items])
            decisions[0].message = decisions[0].notice.plain()
            decisions[0].render_ids = [i.id for i in items]
    else:
        decisions = [vote(session, render=item, user_id=user_id, approve=name in APPROVE_REACTIONS, via="reaction")
                     for item in items]
    return decisions[0] if len(decisions) == 1 else _combine(decisions)


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
        contact_sheet_path=_contact_sheet(render),
        continuity_summary=str(report.get("summary", "")),
        continuity_passed=bool(report.get("passed", True)),
        version=render.version,
        state=state,
        approved_by=counted_approvers(session, render, season),
        changes_by=list(dict.fromkeys(changes)),
        missing_roles=missing_roles(session, render, season),
        quorum=max(1, season.quorum),
        **_pass_facts(render, report),
    )


def _contact_sheet(render: Render) -> Path | None:
    """The stored contact sheet's reference (issue 13 §7), kept in the render's meta; None when none was made."""
    ref = (render.meta or {}).get("contact_sheet_path")
    return Path(ref) if isinstance(ref, str) and ref else None


def _pass_facts(render: Render, report: dict) -> dict:
    """Which pass the cut is, and for a final render its face-lock figures and cost (issue 14)."""
    from agent.services.final_pass import pass_label

    spent = report.get("spend_usd")
    return {"pass_label": pass_label(render), "identity_lines": [str(x) for x in report.get("identity_lines", [])],
            "identity_flagged": bool(report.get("identity_flagged", False)),
            "spend_usd": float(spent) if isinstance(spent, int | float) else None}


def posted_cards(session: Session, render_ids: list[int]) -> list[tuple[PostedMessage, ReviewCard]]:
    """(where the card is, what it should show now) for each posted episode render in `render_ids`."""
    cards = []
    for render_id in dict.fromkeys(render_ids):
        render = session.get(Render, render_id)
        posted = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id)
                                .order_by(ReviewMessage.id.desc()))
        if render is not None and render.is_episode and posted is not None:
            cards.append((PostedMessage(channel_id=posted.channel_id, ts=posted.message_ts),
                          build_card(session, render)))
    return cards


def posted_campaign_cards(session: Session, render_ids: list[int]) -> list[tuple[PostedMessage, CampaignCard]]:
    """(message, what it should show now) for each campaign message showing any of these assets."""
    rows = session.scalars(select(ReviewMessage).where(ReviewMessage.render_id.in_(list(render_ids)),
                                                       ReviewMessage.kind != "episode")).all()
    cards = []
    for channel_id, ts in dict.fromkeys((r.channel_id, r.message_ts) for r in rows):
        items = items_of_message(session, channel_id, ts)
        if items:
            cards.append((PostedMessage(channel_id=channel_id, ts=ts),
                          build_campaign_card(session, items[0].episode, items)))
    return cards


def refresh_cards(store: Store, channel: ReviewChannel, render_ids: list[int]) -> int:
    """Update the cards of these items in place (approved by …, superseded …); returns how many messages."""
    if not render_ids:
        return 0
    with store.session() as session:
        cards = posted_cards(session, render_ids)
        campaign = posted_campaign_cards(session, render_ids)
    for message, card in cards:
        channel.update_card(message, card)
    for message, campaign_card in campaign:
        channel.update_campaign(message, campaign_card)
    return len(cards) + len(campaign)


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
