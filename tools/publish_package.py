"""Whether an episode may go out, and what goes out: the approval check with its reasons, and the package.

The approval *rule* and its explanation (finished, current, card in the thread, quorum of listed approvers, not
withdrawn, every sign-off role present) live in agent/services/approvals.py and nowhere else; this module only asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.artifacts import resolve_ref
from agent.ports import ArtifactStore, PublishPackage
from agent.services.approvals import counted_approvers, why_not_approved
from agent.store.models import EPISODE, Approval, Episode, Render, Season, Slot
from tools.hashtags import hashtag
from tools.publish_ledger import as_utc, idempotency_key


@dataclass(frozen=True)
class ApprovalCheck:
    """Is an episode's current render approved, and if not, why (for messages that say what unblocks it)."""

    render: Render | None
    approvals: tuple[Approval, ...]
    quorum: int
    approved: bool
    reason: str = ""


def _latest_render(session: Session, episode: Episode) -> Render | None:
    """Newest render by id, queried (not the cached relationship) so a render added this session is seen."""
    return session.scalars(select(Render).where(Render.episode_id == episode.id, Render.kind == EPISODE)
                           .order_by(Render.id.desc())).first()


def check_approval(session: Session, episode: Episode) -> ApprovalCheck:
    """Ask the one gate (approvals.why_not_approved) about the latest render; its answer is the reason.

    An approval belongs to one render, so a re-render invalidates older approvals; withdrawn approvals and approvals
    from people not on the approver list never count; a card that never reached the thread, missing sign-off roles
    and open change requests block like a missing quorum.
    """
    season = session.get_one(Season, episode.season_id)
    quorum = max(1, season.quorum)
    latest = _latest_render(session, episode)
    if latest is None:
        return ApprovalCheck(None, (), quorum, False, "it has no render yet")
    if latest.status != "DONE":
        return ApprovalCheck(latest, (), quorum, False,
                             f"its latest render (#{latest.id}) is {latest.status}, not finished")
    counted = counted_approvers(session, latest, season)
    rows = tuple(session.scalars(select(Approval).where(
        Approval.render_id == latest.id, Approval.withdrawn_at.is_(None), Approval.user_id.in_(counted))
        .order_by(Approval.created_at, Approval.id)))
    reason = why_not_approved(session, latest, season)
    if not reason:
        return ApprovalCheck(latest, rows, quorum, True)
    if reason.startswith("it has "):
        reason = f"its latest render (#{latest.id}) has " + reason.removeprefix("it has ")
    return ApprovalCheck(latest, rows, quorum, False, reason)


def approved_render(session: Session, episode: Episode) -> Render | None:
    """The episode's render that may be published, or None."""
    check = check_approval(session, episode)
    return check.render if check.approved else None


def build_package(session: Session, slot: Slot, check: ApprovalCheck, publisher: str,
                  artifacts: ArtifactStore | None = None) -> PublishPackage:
    """Everything a publisher needs, read from the database (never from the conversation).

    Publishers read local files, so the render's references are resolved through the artifact store here (a
    download when the episode was rendered on another machine); without a store they are the local paths.
    """
    render = check.render
    if render is None or not render.video_path:
        raise ValueError("the approved render has no video file")
    try:
        video = resolve_ref(artifacts, render.video_path)
        assert video is not None
    except FileNotFoundError as exc:  # gone from the store: retrying will not bring it back
        raise ValueError(f"the approved render's video is missing from the artifact store ({exc})") from exc
    cover = resolve_ref(artifacts, render.cover_path) if render.cover_path and (
        artifacts is None or artifacts.exists(render.cover_path)) else None
    episode = session.get_one(Episode, slot.episode_id)
    season = session.get_one(Season, episode.season_id)
    script = next((v.script for v in episode.scripts if v.id == render.script_version_id), {})
    cold_open = str(script.get("cold_open", "")).strip()
    caption = f"{episode.title} (Ep {episode.number})" + (f" — {cold_open}" if cold_open else "")
    tags = [hashtag(t) for t in ((season.brief or {}).get("brand", ""), season.title) if hashtag(t)]
    return PublishPackage(
        season_id=season.id, season_title=season.title, episode_number=episode.number, episode_title=episode.title,
        video_path=video, cover_path=cover,
        caption=caption[:2000], hashtags=list(dict.fromkeys([*tags, "#minidrama"])), unlock=slot.unlock,
        destination=slot.destination, publish_at=as_utc(slot.publish_at).isoformat(),
        approvals=[{"user": a.user_id, "at": as_utc(a.created_at).isoformat(), "via": a.via}
                   for a in check.approvals],
        idempotency_key=idempotency_key(slot.id, publisher),
        episode_count=len(season.episodes), made_for_kids=(season.brief or {}).get("made_for_kids"))
