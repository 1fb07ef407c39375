"""Campaign assets as renders: their versions, release timing anchor and publication state — the base the campaign
modules share, so they import it instead of each other (no import circle).

An asset is a `Render` whose kind is not "episode"; each change request makes a new version of that kind, and only
the newest version of a kind is current.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import Cadence, EpisodeScript
from agent.store.models import EPISODE, Episode, Publication, Render, Slot
from tools.campaign.teaser import day_label

QUEUED, RUNNING, DONE, FLAGGED, FAILED = "QUEUED", "RUNNING", "DONE", "FLAGGED", "FAILED"
FINISHED = (DONE, FLAGGED, FAILED)
PUBLISHED = "PUBLISHED"  # a Publication status (tools/publish_ledger.py owns the state machine)


def latest_assets(session: Session, episode_id: int) -> dict[str, Render]:
    """The current version of each asset kind of an episode (older versions are superseded)."""
    rows = session.scalars(select(Render).where(Render.episode_id == episode_id, Render.kind != EPISODE)
                           .order_by(Render.kind, Render.version))
    return {row.kind: row for row in rows}


def is_current(session: Session, item: Render) -> bool:
    """True when no newer version of this item's kind exists for its episode."""
    newest = session.scalar(select(Render.id).where(Render.episode_id == item.episode_id, Render.kind == item.kind)
                            .order_by(Render.version.desc()).limit(1))
    return newest == item.id


def is_published(session: Session, render_id: int) -> bool:
    """Has any publisher published this item (episode cut or asset version)?"""
    return session.scalar(select(Publication.id).where(Publication.render_id == render_id,
                                                       Publication.status == PUBLISHED).limit(1)) is not None


def release_at(session: Session, episode_id: int) -> datetime | None:
    """When the episode drops: its earliest slot (campaign timing is relative to it)."""
    return session.scalar(select(Slot.publish_at).where(Slot.episode_id == episode_id).order_by(Slot.publish_at))


def release_day(session: Session, episode: Episode) -> str | None:
    """The day label viewers read on the teaser card, in the season's time zone (None until scheduled)."""
    at = release_at(session, episode.id)
    if at is None:
        return None
    zone = Cadence.model_validate(episode.season.cadence or {}).timezone
    return day_label(at, zone)


def new_version(session: Session, episode: Episode, source: Render, kind: str, inputs: dict[str, Any],
                note: str = "") -> Render:
    """Queue the next version of one asset kind (older versions stay for the audit trail, superseded)."""
    current = latest_assets(session, episode.id).get(kind)
    asset = Render(episode_id=episode.id, kind=kind, source_render_id=source.id, inputs=inputs, note=note,
                   version=(current.version + 1) if current else 1, status=QUEUED)
    session.add(asset)
    session.flush()
    return asset


def script_of(session: Session, episode: Episode, cut: Render | None) -> EpisodeScript:
    """The script the viewer saw: that cut's script version, else the episode's latest script."""
    row = next((v for v in episode.scripts if cut is not None and v.id == cut.script_version_id), None)
    return EpisodeScript.model_validate((row or episode.scripts[-1]).script)
