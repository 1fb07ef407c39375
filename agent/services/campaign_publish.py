"""When campaign assets go out, and the sweep that publishes them — approved, current, lint-clean, exactly once.

Timing is relative to the episode's release (its earliest slot): the plan says e.g. teaser 24 h before, quote on
release, recap two days after, and the marketer can change it in conversation. The publish time is derived at sweep
time from the slot and the plan, so re-scheduling the season or changing the plan moves every unpublished asset
with it. Each (asset version, publisher) is claimed through a CampaignPublication row with its own idempotency key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent.artifacts import resolve_ref
from agent.ports import ArtifactStore, Publisher, PublishPackage, PublishResult
from agent.services.approvals import approved_render
from agent.services.seasons import audit
from agent.store.db import Store
from agent.store.models import (
    AuditEntry,
    CampaignAsset,
    CampaignPlan,
    CampaignPublication,
    Episode,
    utcnow,
)
from tools.campaign.asset import BTS, CAROUSEL, KINDS, LABELS, QUOTE, TEASER, WRITEUP
from tools.campaign.bts import hashtag

DEFAULT_OFFSETS_H: dict[str, float] = {TEASER: -24, QUOTE: 0, WRITEUP: 0, BTS: 24, CAROUSEL: 48}
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
PENDING, IN_PROGRESS, PUBLISHED, FAILED = "PENDING", "IN_PROGRESS", "PUBLISHED", "FAILED"


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


def asset_publish_at(session: Session, asset: CampaignAsset) -> datetime | None:
    """Release time + the plan's offset for the kind (None while the episode has no slot)."""
    from agent.services.campaign import release_at

    episode = session.get_one(Episode, asset.episode_id)
    at = release_at(session, episode.id)
    if at is None:
        return None
    return _utc(at) + timedelta(hours=campaign_offsets(session, episode.season_id)[asset.kind])


def is_published(session: Session, asset_id: int) -> bool:
    """Has any publisher published this asset version?"""
    return session.scalar(select(CampaignPublication.id).where(CampaignPublication.asset_id == asset_id,
                                                              CampaignPublication.status == PUBLISHED)) is not None


def idempotency_key(asset_id: int, publisher: str) -> str:
    """The key a (campaign asset version, publisher) publication is known by, in the ledger and at the publisher."""
    return f"campaign{asset_id}:{publisher}"


@dataclass
class CampaignSweepResult:
    """What one campaign sweep did, and the news for each season's thread."""

    published: int = 0
    held: int = 0
    failed: int = 0
    messages: list[tuple[int, str]] = field(default_factory=list)  # (season id, text)


def build_package(session: Session, asset: CampaignAsset, publisher: str, at: datetime,
                  artifacts: ArtifactStore | None = None) -> PublishPackage:
    """The asset as a PublishPackage (kind + files as local paths), read from the database."""
    from agent.services.campaign_review import counted_asset_approvers

    episode = session.get_one(Episode, asset.episode_id)
    season = episode.season
    files = [p for f in asset.files if (p := resolve_ref(artifacts, f)) is not None]
    approvals = [{"user": u, "via": "campaign"} for u in counted_asset_approvers(session, asset, season)]
    tags = [t for t in (hashtag(str((season.brief or {}).get("brand", ""))), hashtag(season.title), "#minidrama")
            if t]
    return PublishPackage(
        season_id=season.id, season_title=season.title, episode_number=episode.number, episode_title=episode.title,
        video_path=files[0] if files else Path(), cover_path=None, caption=asset.text[:2200],
        hashtags=list(dict.fromkeys(tags)), unlock="free", destination="campaign", publish_at=at.isoformat(),
        approvals=approvals, idempotency_key=idempotency_key(asset.id, publisher), kind=asset.kind,
        extra_files=files[1:])


def _claim(session: Session, store: Store, asset: CampaignAsset, publisher: str, at: datetime, now: datetime) -> bool:
    """INSERT … ON CONFLICT DO NOTHING, then a conditional UPDATE whose rowcount says who won."""
    key = idempotency_key(asset.id, publisher)
    insert = pg_insert if store.is_postgres else sqlite_insert
    session.execute(insert(CampaignPublication).values(
        asset_id=asset.id, publisher=publisher, idempotency_key=key, status=PENDING, attempts=0, publish_at=at,
    ).on_conflict_do_nothing(index_elements=["idempotency_key"]))
    claimable = or_(CampaignPublication.status == PENDING,
                    and_(CampaignPublication.status == FAILED, CampaignPublication.attempts < MAX_ATTEMPTS),
                    and_(CampaignPublication.status == IN_PROGRESS, CampaignPublication.claimed_at < now - LEASE))
    taken = session.execute(update(CampaignPublication).where(CampaignPublication.idempotency_key == key, claimable)
                            .values(status=IN_PROGRESS, attempts=CampaignPublication.attempts + 1, claimed_at=now)
                            .execution_options(synchronize_session=False))
    return taken.rowcount == 1  # type: ignore[attr-defined]


def _finish(store: Store, key: str, now: datetime, result: PublishResult | None, error: str) -> None:
    with store.session() as session:
        pub = session.scalars(select(CampaignPublication).where(CampaignPublication.idempotency_key == key)).one()
        if pub.status == PUBLISHED:
            return
        if result is not None:
            pub.status, pub.external_id, pub.location, pub.published_at, pub.error = (
                PUBLISHED, result.external_id, result.location, now, None)
        else:
            pub.status, pub.error = FAILED, error[:2000]
        asset = session.get_one(CampaignAsset, pub.asset_id)
        episode = session.get_one(Episode, asset.episode_id)
        session.add(AuditEntry(season_id=episode.season_id, actor=f"publisher:{pub.publisher}",
                               action="campaign.published" if result else "campaign.publish_failed",
                               detail={"episode": episode.number, "kind": asset.kind, "asset": asset.id, "key": key,
                                       "location": pub.location, "error": pub.error}))


def _hold_once(session: Session, season_id: int, asset_id: int, reason: str) -> bool:
    """Record a standing hold; True only the first time, so a minutely sweep doesn't repeat itself."""
    detail = {"asset": asset_id, "reason": reason}
    seen = session.scalars(select(AuditEntry.detail).where(AuditEntry.season_id == season_id,
                                                           AuditEntry.action == "campaign.held"))
    if any(d == detail for d in seen):
        return False
    session.add(AuditEntry(season_id=season_id, actor="campaign-sweep", action="campaign.held", detail=detail))
    return True


def _due(session: Session, now: datetime) -> list[tuple[int, datetime]]:
    """(asset id, publish time) of current, finished assets whose time has come, oldest first."""
    from agent.services.campaign import DONE, FLAGGED, latest_assets

    out = []
    for episode_id in set(session.scalars(select(CampaignAsset.episode_id))):
        for asset in latest_assets(session, episode_id).values():
            at = asset_publish_at(session, asset) if asset.status in (DONE, FLAGGED) else None
            if at is not None and at <= now and not is_published(session, asset.id):
                out.append((asset.id, at))
    return sorted(out, key=lambda pair: (pair[1], pair[0]))


def _check(session: Session, asset: CampaignAsset) -> str:
    """Re-read every gate at publish time; flag the asset when today's bible bans words in it."""
    from agent.services.campaign import DONE, FLAGGED
    from agent.services.campaign_review import asset_blocker, lint_now

    episode = session.get_one(Episode, asset.episode_id)
    render = approved_render(session, episode)
    if render is None or render.id != asset.render_id:
        return "its episode's approved render changed since it was made"
    if asset.status == DONE and (findings := lint_now(session, asset, episode.season)):
        asset.status = FLAGGED
        asset.lint = {**(asset.lint or {}), "remaining": findings}
    return asset_blocker(session, asset, episode.season)


def publish_campaign_due(store: Store, publishers: Mapping[str, Publisher] | Sequence[Publisher],
                         now: datetime, artifacts: ArtifactStore | None = None) -> CampaignSweepResult:
    """Publish every due, approved, current, lint-clean campaign asset to every publisher, exactly once."""
    now = _utc(now)
    by_name = dict(publishers) if isinstance(publishers, Mapping) else {p.name: p for p in publishers}
    out = CampaignSweepResult()
    with store.session() as session:
        due = _due(session, now)
    for asset_id, at in due:
        for name, publisher in sorted(by_name.items()):
            package, problem = None, ""
            with store.session() as session:
                asset = session.get_one(CampaignAsset, asset_id)
                episode = session.get_one(Episode, asset.episode_id)
                season_id, label = episode.season_id, f"the Ep {episode.number} {LABELS[asset.kind].lower()}"
                blocker = _check(session, asset)
                if blocker:
                    out.held += 1
                    if _hold_once(session, season_id, asset_id, blocker):
                        out.messages.append((season_id, f"Holding {label} (due {at:%Y-%m-%d %H:%M} UTC): {blocker}."))
                    break
                if not _claim(session, store, asset, name, at, now):
                    continue
                package = build_package(session, asset, name, at, artifacts)
            result = None
            try:
                result = publisher.publish(package)
            except Exception as exc:  # noqa: BLE001 — any adapter failure is recorded in the ledger and told
                problem = f"{type(exc).__name__}: {exc}"
            _finish(store, idempotency_key(asset_id, name), now, result, problem)
            if result is not None:
                out.published += 1
                out.messages.append((season_id, f"Published {label} to {name}: {result.location}"))
            else:
                out.failed += 1
                out.messages.append((season_id, f"Publishing {label} to {name} failed ({problem}); I'll retry."))
    return out

