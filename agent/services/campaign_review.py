"""The campaign's review gate: the episode rules (season approvers, quorum, sign-off roles) applied per asset version.

A :+1: on a campaign message approves every current asset it shows; a change request names one asset and regenerates
only that one (a new version, which needs its own approval, like a re-render). Flagged assets (banned words that
survived the rewrite) cannot be approved. Everything here is deterministic and database-only — never the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.brain.lint import lint_text
from agent.ports import ArtifactStore, CampaignCard, CampaignItem
from agent.services.campaign import DONE, FLAGGED, QUEUED, RUNNING, is_current, latest_assets, new_version
from agent.services.review import APPROVE_REACTIONS, CHANGE_REACTIONS, normalise_reaction
from agent.services.seasons import audit, current_bible
from agent.store.models import (
    CampaignApproval,
    CampaignAsset,
    CampaignChange,
    CampaignMessage,
    Episode,
    Render,
    Season,
    utcnow,
)
from tools.campaign.asset import LABELS, QUOTE, TEASER
from tools.campaign.quote import QuoteError, pick_line, resolve_override


class CampaignOutcome(StrEnum):
    """What a campaign vote did."""

    APPROVED = "approved"  # counted; at least one asset reached quorum
    COUNTED = "counted"
    WITHDRAWN = "withdrawn"
    CHANGES_REQUESTED = "changes_requested"  # a new version is queued
    NEEDS_NOTE = "needs_note"  # :-1: without saying which asset or what to change
    NOT_APPROVER = "not_approver"
    REFUSED = "refused"  # flagged, superseded or already published
    IGNORED = "ignored"


@dataclass
class CampaignDecision:
    """The result of one campaign vote, with what the Slack layer needs to tell people."""

    outcome: CampaignOutcome
    season_id: int | None = None
    episode_number: int | None = None
    message: str = ""
    asset_ids: list[int] = field(default_factory=list)
    enqueue: list[int] = field(default_factory=list)
    refresh_messages: list[int] = field(default_factory=list)


def counted_asset_approvers(session: Session, asset: CampaignAsset, season: Season) -> list[str]:
    """Listed approvers of this asset version who have not withdrawn, in approval order."""
    allowed = {a.user_id for a in season.approvers}
    rows = session.scalars(select(CampaignApproval).where(
        CampaignApproval.asset_id == asset.id, CampaignApproval.withdrawn_at.is_(None))
        .order_by(CampaignApproval.created_at, CampaignApproval.id))
    return [row.user_id for row in rows if row.user_id in allowed]


def lint_now(session: Session, asset: CampaignAsset, season: Season) -> list[str]:
    """Banned words in the asset's copy under the *current* bible (it may have changed since generation)."""
    return [str(f) for f in lint_text(asset.text, current_bible(session, season), f"{asset.kind} v{asset.version}")]


def asset_blocker(session: Session, asset: CampaignAsset, season: Season) -> str:
    """Why this asset version may not be published right now ('' when it may)."""
    if not is_current(session, asset):
        return "a newer version exists"
    if asset.status == FLAGGED:
        return "it is flagged by the Persona Brief (" + "; ".join((asset.lint or {}).get("remaining", [])) + \
            ") — ask me to redo it"
    if asset.status != DONE:
        return f"it is {asset.status.lower()}"
    if findings := lint_now(session, asset, season):
        return "it is flagged by the Persona Brief (" + "; ".join(findings) + ") — ask me to redo it"
    approvers = counted_asset_approvers(session, asset, season)
    if len(approvers) < max(1, season.quorum):
        return f"it has {len(approvers)} of {max(1, season.quorum)} approval(s)"
    roles = {a.role for a in season.approvers if a.role}
    covered = {a.role for a in season.approvers if a.role and a.user_id in approvers}
    if roles - covered:
        return "missing sign-off: " + ", ".join(sorted(roles - covered))
    return ""


def is_asset_approved(session: Session, asset: CampaignAsset) -> bool:
    """Current, generated clean, linted clean now, quorum and roles met."""
    season = session.get_one(Episode, asset.episode_id).season
    return not asset_blocker(session, asset, season)


def asset_state(session: Session, asset: CampaignAsset, season: Season) -> str:
    """The label a reviewer reads: queued, flagged, approved, changes requested, published, superseded…"""
    from agent.services.campaign_publish import is_published

    if not is_current(session, asset):
        return "SUPERSEDED"
    if is_published(session, asset.id):
        return "PUBLISHED"
    if asset.status != DONE:
        return asset.status
    if session.scalar(select(CampaignChange.id).where(CampaignChange.asset_id == asset.id,
                                                      CampaignChange.resolved_at.is_(None))):
        return "CHANGES_REQUESTED"
    return "APPROVED" if is_asset_approved(session, asset) else "IN_REVIEW"


def build_campaign_card(session: Session, episode: Episode, assets: list[CampaignAsset],
                        artifacts: ArtifactStore | None = None) -> CampaignCard:
    """The message content for some of an episode's asset versions, read from the database; file references are
    turned into local files (downloaded once per machine when the artifact store is remote) for the uploads."""
    from pathlib import Path

    from agent.artifacts import resolve_ref
    from agent.services.campaign_publish import asset_publish_at

    season = episode.season
    items = []
    for asset in sorted(assets, key=lambda a: list(LABELS).index(a.kind)):
        at = asset_publish_at(session, asset)
        items.append(CampaignItem(
            asset_id=asset.id, kind=asset.kind, label=LABELS[asset.kind], version=asset.version,
            files=([p for f in asset.files if (p := resolve_ref(artifacts, f)) is not None] if artifacts is not None
                   else [Path(f) for f in asset.files]),  # refreshing a card's text needs no downloads
            text=asset.text if asset.kind != TEASER else "",
            state=asset_state(session, asset, season), publish_at=f"{at:%Y-%m-%d %H:%M} UTC" if at else None,
            findings=list((asset.lint or {}).get("remaining", [])) or
            [f"rewrote {f}" for f in (asset.lint or {}).get("found", [])],
            approved_by=counted_asset_approvers(session, asset, season)))
    return CampaignCard(season_id=season.id, episode_number=episode.number, title=episode.title, items=items)


def campaign_message_for(session: Session, channel_id: str, ts: str) -> CampaignMessage | None:
    """The campaign message posted at (channel, ts), if that message is one."""
    return session.scalar(select(CampaignMessage).where(CampaignMessage.channel_id == channel_id,
                                                        CampaignMessage.message_ts == ts))


def messages_showing(session: Session, asset_ids: list[int]) -> list[int]:
    """Ids of campaign messages that show any of these assets (their text needs a refresh)."""
    wanted = set(asset_ids)
    return [m.id for m in session.scalars(select(CampaignMessage)) if wanted & set(m.asset_ids)]


def _not_approver(season: Season, number: int) -> CampaignDecision:
    names = ", ".join(f"<@{a.user_id}>" for a in season.approvers)
    return CampaignDecision(CampaignOutcome.NOT_APPROVER, season.id, number,
                            f"Your vote on the Ep {number} campaign doesn't count: only this season's approvers "
                            f"({names}) can approve or change campaign assets.")


def approve_assets(session: Session, assets: list[CampaignAsset], *, user_id: str, via: str) -> CampaignDecision:
    """Record `user_id`'s approval on every approvable asset; refused ones are named in the message."""
    from agent.services.campaign_publish import is_published

    episode = session.get_one(Episode, assets[0].episode_id)
    season = episode.season
    if user_id not in {a.user_id for a in season.approvers}:
        return _not_approver(season, episode.number)
    counted, refused = [], []
    for asset in assets:
        if not is_current(session, asset) or asset.status != DONE or is_published(session, asset.id):
            refused.append(f"{LABELS[asset.kind]} v{asset.version} ({asset_state(session, asset, season).lower()})")
            continue
        row = session.scalar(select(CampaignApproval).where(CampaignApproval.asset_id == asset.id,
                                                            CampaignApproval.user_id == user_id))
        if row is None:
            session.add(CampaignApproval(asset_id=asset.id, user_id=user_id, via=via))
        else:
            row.withdrawn_at, row.via = None, via
        counted.append(asset)
    session.flush()
    ids = [a.id for a in counted]
    audit(session, season.id, user_id, "campaign.approved", {"episode": episode.number, "assets": ids, "via": via})
    done = any(is_asset_approved(session, a) for a in counted)
    note = f"Not approvable: {', '.join(refused)}." if refused else ""
    outcome = CampaignOutcome.APPROVED if done else CampaignOutcome.COUNTED if counted else CampaignOutcome.REFUSED
    return CampaignDecision(outcome, season.id, episode.number, note, ids,
                            refresh_messages=messages_showing(session, [a.id for a in assets]))


def withdraw_assets(session: Session, assets: list[CampaignAsset], *, user_id: str, via: str) -> CampaignDecision:
    """Withdraw `user_id`'s approvals (reaction removed); published assets keep theirs."""
    from agent.services.campaign_publish import is_published

    episode = session.get_one(Episode, assets[0].episode_id)
    changed = []
    for asset in assets:
        row = session.scalar(select(CampaignApproval).where(CampaignApproval.asset_id == asset.id,
                                                            CampaignApproval.user_id == user_id))
        if row is not None and row.withdrawn_at is None and not is_published(session, asset.id):
            row.withdrawn_at = utcnow()
            changed.append(asset.id)
    if not changed:
        return CampaignDecision(CampaignOutcome.IGNORED)
    audit(session, episode.season_id, user_id, "campaign.withdrawn", {"episode": episode.number, "assets": changed})
    return CampaignDecision(CampaignOutcome.WITHDRAWN, episode.season_id, episode.number, asset_ids=changed,
                            refresh_messages=messages_showing(session, changed))


def regeneration_inputs(session: Session, asset: CampaignAsset, note: str) -> dict[str, object]:
    """What the note changes for the next version: a chosen quote line, the teaser's source, a reviewer's line."""
    inputs: dict[str, object] = {k: v for k, v in asset.inputs.items() if k in ("day", "source")}
    quoted = re.search(r"[\"“‘']([^\"”’']{3,})[\"”’']", note)
    if asset.kind == QUOTE:
        episode = session.get_one(Episode, asset.episode_id)
        from agent.services.campaign import _script_of

        script = _script_of(session, episode)
        numbered = re.search(r"\bline\s*(\d+)\b", note, re.IGNORECASE)
        if quoted or numbered:
            line = resolve_override(script, quoted.group(1) if quoted else numbered.group(0))
        else:  # "another line": the best line not used by any earlier version
            used = {(v.meta or {}).get("line") for v in session.scalars(select(CampaignAsset).where(
                CampaignAsset.episode_id == asset.episode_id, CampaignAsset.kind == QUOTE))}
            rest = [ln for ln in script.lines if ln.text not in used] or script.lines
            line = pick_line(script.model_copy(update={"lines": rest}), current_bible(session, episode.season),
                             episode.season.lead.get("name", "") if episode.season.lead else "")
        inputs["quote_line"] = line.model_dump()
    elif asset.kind == TEASER:
        wants_cliff = "cliffhanger" in note.lower() or "ending" in note.lower()
        inputs["source"] = "cliffhanger" if wants_cliff else "cold_open"
    elif quoted:
        inputs["extra_line"] = quoted.group(1)
    return inputs


def request_change(session: Session, asset: CampaignAsset, *, user_id: str, note: str) -> CampaignDecision:
    """Record a change request with its note and queue a new version of that asset only."""
    from agent.services.campaign_publish import is_published

    episode = session.get_one(Episode, asset.episode_id)
    season = episode.season
    if user_id not in {a.user_id for a in season.approvers}:
        return _not_approver(season, episode.number)
    current = latest_assets(session, episode.id).get(asset.kind)
    if current is None or current.status in (QUEUED, RUNNING):
        return CampaignDecision(CampaignOutcome.REFUSED, season.id, episode.number,
                                f"The Ep {episode.number} {LABELS[asset.kind].lower()} is still being made.")
    if is_published(session, current.id):
        return CampaignDecision(CampaignOutcome.REFUSED, season.id, episode.number,
                                f"The Ep {episode.number} {LABELS[asset.kind].lower()} is already published.")
    try:
        inputs = regeneration_inputs(session, current, note)
    except QuoteError as exc:
        return CampaignDecision(CampaignOutcome.REFUSED, season.id, episode.number, str(exc))
    change = CampaignChange(asset_id=current.id, user_id=user_id, note=note, resolved_at=utcnow())
    session.add(change)
    render = session.get_one(Render, current.render_id)
    fresh = new_version(session, episode, render, current.kind, inputs, note=note)
    audit(session, season.id, user_id, "campaign.changes_requested",
          {"episode": episode.number, "asset": current.id, "kind": current.kind, "note": note, "new": fresh.id})
    return CampaignDecision(CampaignOutcome.CHANGES_REQUESTED, season.id, episode.number,
                            f"Redoing the Ep {episode.number} {LABELS[current.kind].lower()} (v{fresh.version}) — "
                            "only that asset; it comes back here for approval.",
                            [current.id], enqueue=[fresh.id], refresh_messages=messages_showing(session, [current.id]))


def handle_campaign_reaction(session: Session, channel_id: str, ts: str, user_id: str, reaction: str,
                             added: bool) -> CampaignDecision:
    """A reaction on a campaign message: :+1: approves its current assets, removal withdraws, :-1: asks for a note."""
    name = normalise_reaction(reaction)
    message = campaign_message_for(session, channel_id, ts)
    if message is None or name not in APPROVE_REACTIONS | CHANGE_REACTIONS:
        return CampaignDecision(CampaignOutcome.IGNORED)
    assets = [a for i in message.asset_ids if (a := session.get(CampaignAsset, i)) is not None]
    if not assets:
        return CampaignDecision(CampaignOutcome.IGNORED)
    if name in APPROVE_REACTIONS:
        return (approve_assets(session, assets, user_id=user_id, via="reaction") if added
                else withdraw_assets(session, assets, user_id=user_id, via="reaction"))
    if not added:
        return CampaignDecision(CampaignOutcome.IGNORED)
    episode = session.get_one(Episode, message.episode_id)
    if user_id not in {a.user_id for a in episode.season.approvers}:
        return _not_approver(episode.season, episode.number)
    kinds = " / ".join(a.kind for a in assets)
    return CampaignDecision(CampaignOutcome.NEEDS_NOTE, episode.season_id, episode.number,
                            f"<@{user_id}> wants changes on the Ep {episode.number} campaign. Reply with the asset and "
                            f"the note, e.g. “Ep {episode.number} quote: use \"…\"” ({kinds}); I'll redo only that one.",
                            [a.id for a in assets])
