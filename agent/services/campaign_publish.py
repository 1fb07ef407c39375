"""When campaign assets go out, and what goes out: the timing plan and the package. The ledger is the one in
tools/publish_ledger.py (claim, lease, attempts, backoff, GAVE_UP), shared with episodes.

Timing is relative to the episode's release (its earliest slot): the plan says e.g. teaser 24 h before, quote on
release, recap two days after, and the marketer can change it in conversation. The publish time is derived at sweep
time from the slot and the plan, so re-scheduling the season or changing the plan moves every unpublished asset
with it. Each (asset version, publisher) is one Publication row without a slot, known by its idempotency key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.artifacts import resolve_ref
from agent.ports import ArtifactStore, Publisher, PublishPackage
from agent.services.approvals import approved_render, counted_approvers, lint_now, why_not_approved
from agent.services.assets import DONE, FLAGGED, is_published, latest_assets, release_at
from agent.services.seasons import audit
from agent.store.db import Store
from agent.store.models import EPISODE, CampaignPlan, Episode, Render, utcnow
from tools.campaign.asset import BTS, CAROUSEL, KINDS, LABELS, QUOTE, TEASER, WRITEUP
from tools.hashtags import hashtag
from tools.publish_ledger import GAVE_UP, MAX_ATTEMPTS, claim_key, finish, item_key, note_once
from tools.publish_notices import SweepMessage, message

DEFAULT_OFFSETS_H: dict[str, float] = {TEASER: -24, QUOTE: 0, WRITEUP: 0, BTS: 24, CAROUSEL: 48}
idempotency_key = item_key  # the (asset version, publisher) key, as before unification


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def campaign_offsets(session: Session, season_id: int) -> dict[str, float]:
    """Hours from release per kind (the season's plan over the defaults)."""
    plan = session.scalar(select(CampaignPlan).where(CampaignPlan.season_id == season_id))
    return {**DEFAULT_OFFSETS_H, **{k: float(v) for k, v in ((plan.offsets if plan else {}) or {}).items()}}


def set_campaign_plan(store: Store, season_id: int, changes: Mapping[str, float], actor: str) -> dict[str, float]:
    """Change when kinds go out (hours relative to release); unpublished assets follow at the next sweep."""
    unknown = set(changes) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown campaign asset(s) {', '.join(sorted(unknown))}; known: {', '.join(KINDS)}")
    with store.session() as session:
        plan = session.scalar(select(CampaignPlan).where(CampaignPlan.season_id == season_id))
        if plan is None:
            plan = CampaignPlan(season_id=season_id, offsets={})
            session.add(plan)
        plan.offsets = {**(plan.offsets or {}), **{k: float(v) for k, v in changes.items()}}
        plan.updated_by, plan.updated_at = actor, utcnow()
        audit(session, season_id, actor, "campaign.plan_changed", {"changes": dict(changes)})
        session.flush()
        return campaign_offsets(session, season_id)


def describe_offset(hours: float) -> str:
    """-24 → '24 h before release', 0 → 'on release', 48 → '2 days after release'."""
    if hours == 0:
        return "on release"
    span = abs(hours)
    amount = f"{span / 24:g} day{'s' if span != 24 else ''}" if span % 24 == 0 else f"{span:g} h"
    return f"{amount} {'before' if hours < 0 else 'after'} release"


def asset_publish_at(session: Session, asset: Render) -> datetime | None:
    """Release time + the plan's offset for the kind (None while the episode has no slot)."""
    episode = session.get_one(Episode, asset.episode_id)
    at = release_at(session, episode.id)
    if at is None:
        return None
    return _utc(at) + timedelta(hours=campaign_offsets(session, episode.season_id)[asset.kind])


@dataclass
class CampaignSweepResult:
    """What one campaign sweep did, and the news for each season's thread."""

    published: int = 0
    held: int = 0
    failed: int = 0
    messages: list[SweepMessage] = field(default_factory=list)  # kinds: hold, published, failed, gave_up


def build_package(session: Session, asset: Render, publisher: str, at: datetime,
                  artifacts: ArtifactStore | None = None) -> PublishPackage:
    """The asset as a PublishPackage (kind + files as local paths), read from the database."""
    episode = session.get_one(Episode, asset.episode_id)
    season = episode.season
    files = [p for f in asset.files if (p := resolve_ref(artifacts, f)) is not None]
    approvals = [{"user": u, "via": "campaign"} for u in counted_approvers(session, asset, season)]
    tags = [t for t in (hashtag(str((season.brief or {}).get("brand", ""))), hashtag(season.title), "#minidrama")
            if t]
    return PublishPackage(
        season_id=season.id, season_title=season.title, episode_number=episode.number, episode_title=episode.title,
        video_path=files[0] if files else Path(), cover_path=None, caption=asset.text[:2200],
        hashtags=list(dict.fromkeys(tags)), unlock="free", destination="campaign", publish_at=at.isoformat(),
        approvals=approvals, idempotency_key=item_key(asset.id, publisher), kind=asset.kind,
        extra_files=files[1:])


def due_assets(session: Session, now: datetime) -> list[tuple[int, datetime]]:
    """(asset id, publish time) of current, finished, unpublished assets whose time has come, oldest first."""
    out = []
    episode_ids = set(session.scalars(select(Render.episode_id).where(Render.kind != EPISODE)))
    for episode_id in episode_ids:
        for asset in latest_assets(session, episode_id).values():
            at = asset_publish_at(session, asset) if asset.status in (DONE, FLAGGED) else None
            if at is not None and at <= now and not is_published(session, asset.id):
                out.append((asset.id, at))
    return sorted(out, key=lambda pair: (pair[1], pair[0]))


def publish_blocker(session: Session, asset: Render) -> str:
    """Re-read every gate at publish time ('' = may go); flag the asset when today's bible bans words in it."""
    episode = session.get_one(Episode, asset.episode_id)
    cut = approved_render(session, episode)
    if cut is None or cut.id != asset.source_render_id:
        return "its episode's approved render changed since it was made"
    if asset.status == DONE and (findings := lint_now(session, asset, episode.season)):
        asset.status = FLAGGED
        asset.lint = {**(asset.lint or {}), "remaining": findings}
    return why_not_approved(session, asset, episode.season)


def _publish_one(store: Store, asset_id: int, at: datetime, name: str, publisher: Publisher, now: datetime,
                 artifacts: ArtifactStore | None, out: CampaignSweepResult) -> bool:
    """One (asset, publisher) through the ledger; False when the asset is held (skip its other publishers)."""
    with store.session() as session:
        asset = session.get_one(Render, asset_id)
        episode = session.get_one(Episode, asset.episode_id)
        season_id, label = episode.season_id, f"the Ep {episode.number} {LABELS[asset.kind].lower()}"
        blocker = publish_blocker(session, asset)
    if blocker:
        out.held += 1
        if note_once(store, season_id, "campaign.held", {"asset": asset_id, "reason": blocker}, ever=True):
            out.messages.append(message(season_id, f"Holding {label} (due {at:%Y-%m-%d %H:%M} UTC): {blocker}.",
                                             "hold"))
        return False
    key = item_key(asset_id, name)
    with store.session() as session:
        taken = claim_key(session, store, key=key, render_id=asset_id, publisher=name, now=now, publish_at=at)
        package = build_package(session, session.get_one(Render, asset_id), name, at, artifacts) \
            if taken == "claimed" else None
    if package is None:  # published, busy elsewhere, waiting for its backoff, or given up (told then)
        return True
    result, problem, permanent = None, "", False
    try:
        result = publisher.publish(package)
    except Exception as exc:  # noqa: BLE001 — any adapter failure is recorded in the ledger and told
        problem, permanent = f"{type(exc).__name__}: {exc}", not getattr(exc, "retryable", True)
    pub = finish(store, key, now, result, None if result else problem, permanent=permanent)
    if result is not None:
        out.published += 1
        out.messages.append(message(season_id, f"Published {label} to {name}: {result.location}", "published"))
    elif pub.status == GAVE_UP:
        out.failed += 1
        why = "it cannot succeed as it is" if permanent else f"{MAX_ATTEMPTS} attempts"
        out.messages.append(message(season_id, f"Publishing {label} to {name} failed ({pub.error}); I gave up "
                                         f"after {why}. Fix the cause, then ask me to re-schedule the season to retry "
                                         "it.", "gave_up"))
    else:
        retry = f"{pub.next_attempt_at:%H:%M} UTC" if pub.next_attempt_at else "the next sweep"
        out.failed += 1
        out.messages.append(message(season_id, f"Publishing {label} to {name} failed (attempt {pub.attempts} "
                                         f"of {MAX_ATTEMPTS}: {pub.error}); I'll retry after {retry}.", "failed"))
    return True


def publish_campaign_due(store: Store, publishers: Mapping[str, Publisher] | Sequence[Publisher],
                         now: datetime, artifacts: ArtifactStore | None = None) -> CampaignSweepResult:
    """Publish every due, approved, current, lint-clean campaign asset to every publisher, exactly once."""
    now = _utc(now)
    by_name = dict(publishers) if isinstance(publishers, Mapping) else {p.name: p for p in publishers}
    out = CampaignSweepResult()
    with store.session() as session:
        due = due_assets(session, now)
    for asset_id, at in due:
        for name, publisher in sorted(by_name.items()):
            if not _publish_one(store, asset_id, at, name, publisher, now, artifacts, out):
                break
    return out
