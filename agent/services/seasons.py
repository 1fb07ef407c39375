"""Season lifecycle in the database: create per thread, save brief and arc, lock lead and look, manage approvers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.domain import (
    Arc,
    Brief,
    EpisodeScript,
    EpisodeStatus,
    LeadLock,
    LookSpec,
    PersonaBrief,
    SeasonStatus,
)
from agent.store.models import (
    Approver,
    AuditEntry,
    Episode,
    Look,
    Persona,
    PersonaBriefVersion,
    ScriptVersion,
    Season,
)


class SeasonError(ValueError):
    """A request the season's state does not allow; the message is shown to the marketer."""


def thread_key(team_id: str, channel_id: str, thread_ts: str) -> str:
    """One Slack thread = one season; the LangGraph thread id derives from the same triple."""
    return f"{team_id}:{channel_id}:{thread_ts}"


def get_or_create_season(
    session: Session, *, team_id: str, channel_id: str, thread_ts: str, created_by: str
) -> Season:
    """Find the thread's season or start one; the creator is the default approver."""
    key = thread_key(team_id, channel_id, thread_ts)
    season = session.scalar(select(Season).where(Season.thread_key == key))
    if season is not None:
        return season
    season = Season(
        thread_key=key, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts, created_by=created_by
    )
    season.approvers.append(Approver(user_id=created_by))
    session.add(season)
    session.flush()
    audit(session, season.id, created_by, "season.created", {"thread": key})
    return season


def find_season(session: Session, key: str) -> Season | None:
    """The season of a thread key, if any."""
    return session.scalar(select(Season).where(Season.thread_key == key))


def audit(session: Session, season_id: int | None, actor: str, action: str, detail: dict[str, Any]) -> None:
    """Append to the audit log (who did what, when)."""
    session.add(AuditEntry(season_id=season_id, actor=actor, action=action, detail=detail))


def save_brief(session: Session, season: Season, brief: Brief) -> None:
    """Store a validated brief (replacing an earlier one) and its cadence."""
    season.brief = brief.model_dump(mode="json")
    season.cadence = brief.cadence.model_dump(mode="json")
    if not season.title or season.title == "Untitled season":
        season.title = f"{brief.brand} — {brief.product}"[:200]


def current_bible(session: Session, season: Season) -> PersonaBrief:
    """Latest Persona Brief version, or the default bible."""
    row = session.scalar(
        select(PersonaBriefVersion)
        .where(PersonaBriefVersion.season_id == season.id)
        .order_by(PersonaBriefVersion.version.desc())
    )
    return PersonaBrief.model_validate(row.spec) if row else PersonaBrief()


def save_bible(session: Session, season: Season, bible: PersonaBrief) -> int:
    """Add a new Persona Brief version (versions are never overwritten)."""
    latest = session.scalar(
        select(func.max(PersonaBriefVersion.version)).where(PersonaBriefVersion.season_id == season.id)
    )
    version = (latest or 0) + 1
    session.add(PersonaBriefVersion(season_id=season.id, version=version, spec=bible.model_dump(mode="json")))
    return version


def save_arc(session: Session, season: Season, arc: Arc, note: str = "arc", actor: str = "") -> int:
    """Store the arc, record it as an arc version, and make each changed episode script a new version.

    Returns the arc version number (the same number again when nothing changed).
    """
    from agent.services.arcs import record_version

    season.arc = arc.model_dump(mode="json")
    season.title = arc.title[:200]  # the column's length: a long brand must never break the thread
    existing = {ep.number: ep for ep in season.episodes}
    for script in arc.episodes:
        episode = existing.get(script.number)
        if episode is None:
            episode = Episode(number=script.number, title=script.title[:200])
            season.episodes.append(episode)
            session.flush()
        add_script_version(session, episode, script, note=note)
    for number, episode in existing.items():
        if number > len(arc.episodes):
            session.delete(episode)
    return record_version(session, season.id, arc, note=note, actor=actor)


def add_script_version(session: Session, episode: Episode, script: EpisodeScript, note: str) -> ScriptVersion:
    """Append a script version unless it equals the latest one."""
    payload = script.model_dump(mode="json")
    latest = episode.scripts[-1] if episode.scripts else None
    if latest is not None and {k: v for k, v in latest.script.items() if k != "shots"} == payload:
        return latest  # unchanged words keep their version, with any per-shot edits stored in it (issue 13 §7)
    version = ScriptVersion(version=(latest.version + 1) if latest else 1, script=payload, note=note)
    episode.scripts.append(version)
    episode.title = script.title[:200]
    if episode.status not in (EpisodeStatus.PUBLISHED,):
        episode.status = EpisodeStatus.SCRIPTED
    session.flush()
    return version


def latest_script(episode: Episode) -> tuple[ScriptVersion, EpisodeScript]:
    """The episode's current script version."""
    if not episode.scripts:
        raise SeasonError(f"Episode {episode.number} has no script yet")
    row = episode.scripts[-1]
    return row, EpisodeScript.model_validate(row.script)


def lock_lead(session: Session, season: Season, persona: Persona, actor: str) -> LeadLock:
    """Lock the primary identity; once production started it never changes."""
    if season.lead and season.status not in (SeasonStatus.ARC, SeasonStatus.CASTING, SeasonStatus.LOOK):
        raise SeasonError("The lead is locked for this season; supporting cast can still change.")
    lock = LeadLock(
        persona_id=persona.id,
        name=persona.name,
        portrait_path=persona.portrait_path,
        portrait_hash=persona.portrait_hash,
        seed=persona.seed,
        voice=persona.voice,
    )
    season.lead = lock.model_dump(mode="json")
    audit(session, season.id, actor, "lead.locked", {"persona": persona.name, "hash": persona.portrait_hash})
    return lock


def look_hash(spec: LookSpec) -> str:
    """Content hash of a look spec (renders reference it)."""
    return hashlib.sha256(json.dumps(spec.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def lock_look(session: Session, season: Season, spec: LookSpec, actor: str) -> Look:
    """Create an immutable look version (a changed look is a new version; the same one is reused)."""
    digest = look_hash(spec)
    current = current_look(session, season)
    if current is not None and current.content_hash == digest:
        return current
    version = (current.version + 1) if current else 1
    look = Look(season_id=season.id, version=version, spec=spec.model_dump(mode="json"), content_hash=digest)
    session.add(look)
    session.flush()
    audit(session, season.id, actor, "look.locked", {"version": version, "hash": digest})
    return look


def current_look(session: Session, season: Season) -> Look | None:
    """Latest locked look version."""
    return session.scalar(select(Look).where(Look.season_id == season.id).order_by(Look.version.desc()))


def add_approver(session: Session, season: Season, user_id: str, actor: str, role: str | None = None) -> bool:
    """Add an approver; False when already present."""
    if any(a.user_id == user_id for a in season.approvers):
        return False
    season.approvers.append(Approver(user_id=user_id, role=role))
    audit(session, season.id, actor, "approver.added", {"user": user_id, "role": role})
    return True


def approver_ids(season: Season) -> list[str]:
    """User ids whose approvals count."""
    return [a.user_id for a in season.approvers]
