"""The campaign's side of the one review gate: what a reviewer reads about an asset (its state, the message), and what
a change request on one asset does (a new version of that asset only, with inputs the note asks for).

Votes, approvals and withdrawals on assets go through agent.services.review like an episode's; whether an asset
is approved is agent.services.approvals (flagged assets never are). Deterministic and database-only — never the model.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.ports import ArtifactStore, CampaignCard, CampaignItem
from agent.services.approvals import counted_approvers, is_current_item, is_render_approved, why_not_approved
from agent.services.assets import DONE, QUEUED, RUNNING, is_published, latest_assets, new_version, script_of
from agent.services.campaign_publish import asset_publish_at
from agent.services.seasons import current_bible
from agent.store.models import ChangeRequest, Episode, Render, Season, utcnow
from tools.campaign.asset import LABELS, QUOTE, TEASER
from tools.campaign.quote import QuoteError, pick_line, resolve_override

counted_asset_approvers = counted_approvers  # the one rule, under the name older callers use


def asset_blocker(session: Session, asset: Render, season: Season) -> str:
    """Why this asset version may not be published right now ('' when it may) — the one gate's explanation."""
    return why_not_approved(session, asset, season)


def is_asset_approved(session: Session, asset: Render) -> bool:
    """Current, generated clean, linted clean now, posted, quorum and roles met."""
    return is_render_approved(session, asset, session.get_one(Episode, asset.episode_id).season)


def asset_state(session: Session, asset: Render, season: Season) -> str:
    """The label a reviewer reads: queued, flagged, approved, changes requested, published, superseded…"""
    if not is_current_item(session, asset):
        return "SUPERSEDED"
    if is_published(session, asset.id):
        return "PUBLISHED"
    if asset.status != DONE:
        return asset.status
    if session.scalar(select(ChangeRequest.id).where(ChangeRequest.render_id == asset.id,
                                                     ChangeRequest.resolved_at.is_(None))):
        return "CHANGES_REQUESTED"
    return "APPROVED" if is_render_approved(session, asset, season) else "IN_REVIEW"


def build_campaign_card(session: Session, episode: Episode, assets: list[Render],
                        artifacts: ArtifactStore | None = None) -> CampaignCard:
    """The message content for some of an episode's asset versions, read from the database; file references are
    turned into local files (downloaded once per machine when the artifact store is remote) for the uploads."""
    from pathlib import Path

    from agent.artifacts import resolve_ref

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
            approved_by=counted_approvers(session, asset, season)))
    return CampaignCard(season_id=season.id, episode_number=episode.number, title=episode.title, items=items)


def regeneration_inputs(session: Session, asset: Render, note: str) -> dict[str, object]:
    """What the note changes for the next version: a chosen quote line, the teaser's source, a reviewer's line."""
    inputs: dict[str, object] = {k: v for k, v in asset.inputs.items() if k in ("day", "source")}
    quoted = re.search(r"[\"“‘']([^\"”’']{3,})[\"”’']", note)
    if asset.kind == QUOTE:
        episode = session.get_one(Episode, asset.episode_id)
        script = script_of(session, episode, session.get(Render, asset.source_render_id or 0))
        numbered = re.search(r"\bline\s*(\d+)\b", note, re.IGNORECASE)
        if quoted or numbered:
            line = resolve_override(script, quoted.group(1) if quoted else numbered.group(0))
        else:  # "another line": the best line not used by any earlier version
            used = {(v.meta or {}).get("line") for v in session.scalars(select(Render).where(
                Render.episode_id == asset.episode_id, Render.kind == QUOTE))}
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


def request_asset_change(session: Session, asset: Render, *, user_id: str, note: str) -> tuple[Render | None, str]:
    """Record a change request with its note and queue a new version of that asset only: (new version, '') or
    (None, why not). Who may ask is the gate's business (agent.services.review.vote)."""
    episode = session.get_one(Episode, asset.episode_id)
    label = f"The Ep {episode.number} {LABELS[asset.kind].lower()}"
    current = latest_assets(session, episode.id).get(asset.kind)
    if current is None or current.status in (QUEUED, RUNNING):
        return None, f"{label} is still being made."
    if is_published(session, current.id):
        return None, f"{label} is already published."
    try:
        inputs = regeneration_inputs(session, current, note)
    except QuoteError as exc:
        return None, str(exc)
    session.add(ChangeRequest(render_id=current.id, user_id=user_id, note=note, scope="asset", resolved_at=utcnow()))
    source = session.get_one(Render, current.source_render_id)
    return new_version(session, episode, source, current.kind, inputs, note=note), ""
