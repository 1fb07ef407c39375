"""The surround-sound campaign: plan assets for approved episodes, run one asset job safely, post them for review.

An asset version is a `Render` of another kind, so it runs on production's job state machine (agent/store/jobs.py:
claimed by a conditional UPDATE under a lease, so a re-enqueued or duplicated job never generates twice). Planning
is idempotent and driven by the database (approved episodes without current assets), so it can run from the sweep,
a periodic task or right after an approval without double work. Votes go through the one gate
(agent.services.review); timing and packages are campaign_publish; the ledger is tools/publish_ledger.py.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from agent.artifacts import LocalArtifactStore, resolve_ref
from agent.domain import EpisodeScript, LeadLock, Line, LookSpec
from agent.ports import ArtifactStore, PostedMessage, ReviewChannel, ThreadRef
from agent.services.approvals import approved_render
from agent.services.assets import (
    DONE,
    FAILED,
    FINISHED,
    FLAGGED,
    QUEUED,
    RUNNING,
    is_current,
    is_published,
    latest_assets,
    new_version,
    release_at,
    release_day,
    script_of,
)
from agent.services.campaign_review import build_campaign_card
from agent.services.seasons import audit, current_bible
from agent.store.db import Store
from agent.store.jobs import MAX_ATTEMPTS, claim_job, fail_job
from agent.store.models import EPISODE, Episode, Look, Render, ReviewMessage, Season, utcnow
from tools.campaign.asset import KINDS, TEASER
from tools.campaign.build import CampaignInputs, generate

__all__ = ["DONE", "FAILED", "FINISHED", "FLAGGED", "QUEUED", "RUNNING", "is_current", "latest_assets", "new_version",
           "release_at", "release_day"]

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
DOORBELL_GRACE = timedelta(minutes=1)  # QUEUED this long without a worker taking it: ring again (claims dedupe)


def plan_episode(session: Session, episode: Episode) -> list[int]:
    """Queue what an approved episode's campaign is missing; returns the new asset ids (empty when up to date).

    A kind gets a new version when it has none, when the episode's approved render changed (a re-cut episode
    needs a fresh campaign), or — for the teaser — when its release day changed before it went out. The teaser
    waits for the slot: its end card names the day.
    """
    render = approved_render(session, episode)
    if render is None:
        return []
    current = latest_assets(session, episode.id)
    day = release_day(session, episode)
    planned: list[int] = []
    for kind in KINDS:
        asset = current.get(kind)
        if kind == TEASER and day is None:
            continue
        carried = dict(asset.inputs) if asset is not None and asset.source_render_id == render.id else {}
        if asset is None or asset.source_render_id != render.id:
            reason = "approved episode" if asset is None else f"episode re-approved (render {render.id})"
        elif kind == TEASER and asset.inputs.get("day") != day and not is_published(session, asset.id):
            reason = f"release moved to {day}"
        else:
            continue
        if kind == TEASER:
            carried["day"] = day
        planned.append(new_version(session, episode, render, kind, carried, note=reason).id)
    if planned:
        audit(session, episode.season_id, "campaign", "campaign.planned",
              {"episode": episode.number, "assets": planned})
    return planned


def plan_campaign(store: Store, season_id: int | None = None) -> list[int]:
    """Plan every approved episode (of one season, or all); idempotent, so any trigger may call it."""
    with store.session() as session:
        query = select(Episode).order_by(Episode.season_id, Episode.number)
        if season_id is not None:
            query = query.where(Episode.season_id == season_id)
        return [asset_id for episode in session.scalars(query) for asset_id in plan_episode(session, episode)]


def on_episode_approved(store: Store, episode_id: int, enqueue: Callable[[int], None]) -> list[int]:
    """Hook for the review gate: plan and enqueue the campaign of one episode that just reached quorum."""
    with store.session() as session:
        episode = session.get(Episode, episode_id)
        ids = plan_episode(session, episode) if episode is not None else []
    for asset_id in ids:
        enqueue(asset_id)
    return ids


def stalled_assets(store: Store, now: datetime | None = None) -> list[int]:
    """Assets whose worker died (lease expired) or whose doorbell was lost or never rung (a change request recorded
    by a listener without a queue handle): QUEUED for longer than a minute. A duplicate ring is harmless."""
    now = now or utcnow()
    with store.session() as session:
        return list(session.scalars(select(Render.id).where(Render.kind != EPISODE, or_(
            (Render.status == RUNNING) & (Render.lease_until < now),
            (Render.status == QUEUED) & (Render.created_at < now - DOORBELL_GRACE)))))


def campaign_tick(store: Store, enqueue: Callable[[int], None], now: datetime | None = None) -> list[int]:
    """The periodic task: plan approved episodes, re-ring stalled jobs; returns what it enqueued."""
    ids = plan_campaign(store) + stalled_assets(store, now)
    for asset_id in dict.fromkeys(ids):
        enqueue(asset_id)
    return ids


def claim_asset(store: Store, asset_id: int, now: datetime | None = None) -> bool:
    """Atomically take an asset job (the one render job claim)."""
    return claim_job(store, asset_id, now, LEASE)


def _viewer_script(session: Session, episode: Episode) -> EpisodeScript:
    """The script the viewer saw: the approved (else latest) cut's script version, else the latest script."""
    return script_of(session, episode, approved_render(session, episode) or (episode.renders[-1] if episode.renders
                                                                              else None))


def build_inputs(session: Session, asset: Render, artifacts_dir: Path, preset: str,
                 artifacts: ArtifactStore | None = None) -> CampaignInputs:
    """Read one job's inputs once: scripts, the render's locked look, the lead lock, the bible, the day.

    The episode video is resolved through the artifact store: the teaser is cut on this machine from a render that
    another worker may have made.
    """
    render = session.get_one(Render, asset.source_render_id)
    episode = session.get_one(Episode, asset.episode_id)
    season = episode.season
    brief = season.brief or {}
    extra = asset.inputs.get("quote_line")
    return CampaignInputs(
        number=episode.number, scripts=[_viewer_script(session, ep) for ep in season.episodes if ep.scripts],
        look=LookSpec.model_validate(session.get_one(Look, render.look_id).spec),
        lead=LeadLock.model_validate(season.lead), bible=current_bible(session, season),
        out_dir=artifacts_dir / f"season-{season.id}" / "campaign", version=asset.version,
        season_title=season.title, brand=str(brief.get("brand", "")), product=str(brief.get("product", "")),
        episode_count=len(season.episodes), video_path=resolve_ref(artifacts, render.video_path),
        day=asset.inputs.get("day") or release_day(session, episode),
        quote_line=Line.model_validate(extra) if extra else None,
        teaser_source=asset.inputs.get("source", "cold_open"), extra_line=asset.inputs.get("extra_line", ""),
        preset=preset, **reported_shots(render))


def reported_shots(render: Render) -> dict:
    """Where the cut's shots are and which shots it drew, as its render reported them (animatic episodes): the
    windows kept in its meta, else those in its continuity report; nothing for a render that reported none."""
    from agent.domain import Storyboard

    meta, report = render.meta or {}, render.report or {}
    windows = meta.get("windows") or {f"shot{s['number']:02d}": s["window"] for s in report.get("shots", [])
                                      if isinstance(s, dict) and "number" in s and s.get("window")}
    board = meta.get("storyboard")
    return {"windows": windows or None, "storyboard": Storyboard.model_validate(board) if board else None}


def run_campaign_asset(store: Store, asset_id: int, *, artifacts_dir: Path, channel: ReviewChannel | None = None,
                       preset: str = "veryfast", artifacts: ArtifactStore | None = None) -> str:
    """Generate one asset version ("done", "flagged", "skipped"); then post the episode's message when ready."""
    if not claim_asset(store, asset_id):
        return "skipped"
    with store.session() as session:
        asset = session.get_one(Render, asset_id)
        kind, episode_id = asset.kind, asset.episode_id
    try:
        with store.session() as session:
            inputs = build_inputs(session, session.get_one(Render, asset_id), artifacts_dir, preset, artifacts)
        output = generate(kind, inputs)
    except Exception as exc:  # recorded on the row, then the queue retries (up to MAX_ATTEMPTS claims)
        log.exception("campaign asset %s (%s) failed", asset_id, kind)
        with store.session() as session:
            fail_job(session.get_one(Render, asset_id), exc, MAX_ATTEMPTS)
        raise
    store_files = artifacts or LocalArtifactStore(artifacts_dir)  # shared with posters/publishers on other machines
    with store.session() as session:
        season_id = session.get_one(Episode, episode_id).season_id
    refs = [store_files.put(Path(p), f"season-{season_id}/campaign/{Path(p).name}") for p in output.files]
    with store.session() as session:
        row = session.get_one(Render, asset_id)
        row.files = refs
        row.text, row.meta = output.text, output.meta
        row.lint = {"found": output.found, "remaining": output.remaining, "regenerated": bool(output.found)}
        row.status = FLAGGED if output.flagged else DONE
        row.finished_at, row.lease_until, row.error = utcnow(), None, None
        outcome = row.status.lower()
    if channel is not None:
        post_ready(store, episode_id, channel, store_files)
    return outcome


def post_ready(store: Store, episode_id: int, channel: ReviewChannel,
               artifacts: ArtifactStore | None = None) -> PostedMessage | None:
    """Post the episode's finished, not-yet-posted current assets as one message — once every queued one is done.

    The assets are claimed for posting with a conditional UPDATE on `card_ts`, so two workers finishing at the same
    moment cannot post the same assets twice; the message gets one ReviewMessage row per asset it shows.
    """
    marker = f"posting:{uuid.uuid4().hex}"
    with store.session() as session:
        current = latest_assets(session, episode_id)
        if any(a.status in (QUEUED, RUNNING) for a in current.values()):
            return None
        ids = [a.id for a in current.values() if a.status in (DONE, FLAGGED) and a.card_ts is None]
        if not ids:
            return None
        taken = session.execute(update(Render).where(Render.id.in_(ids), Render.card_ts.is_(None))
                                .values(card_ts=marker).execution_options(synchronize_session=False))
        if taken.rowcount != len(ids):  # type: ignore[attr-defined]
            session.rollback()
            return None
    with store.session() as session:
        episode = session.get_one(Episode, episode_id)
        season = session.get_one(Season, episode.season_id)
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        card = build_campaign_card(session, episode, [session.get_one(Render, i) for i in ids], artifacts)
    try:
        posted = channel.post_campaign(thread, card)
    except Exception:
        with store.session() as session:
            session.execute(update(Render).where(Render.card_ts == marker).values(card_ts=None))
        raise
    with store.session() as session:
        session.execute(update(Render).where(Render.card_ts == marker).values(card_ts=posted.ts))
        kinds = {row.id: row.kind for row in session.execute(select(Render.id, Render.kind).where(Render.id.in_(ids)))}
        for asset_id in ids:
            session.add(ReviewMessage(render_id=asset_id, channel_id=posted.channel_id, message_ts=posted.ts,
                                      thread_ts=thread.thread_ts, kind=kinds[asset_id]))
    return posted
