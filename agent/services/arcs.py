"""Arc versions: every saved arc is a numbered version, so "undo", "diff v1 v2" and "show changes to ep 3" work.

The database keeps the versions (not the conversation memory), so a restart or a second process sees the same
history. Diffs are field-level and written for the thread: the marketer sees what changed in words, not JSON.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.domain import Arc, EpisodeScript
from agent.store.models import ArcVersion

EPISODE_FIELDS = ("title", "cold_open", "beat", "cliffhanger", "product_moment")
ARC_FIELDS = ("title", "premise", "logline", "through_line")


def record_version(session: Session, season_id: int, arc: Arc, note: str = "", actor: str = "") -> int:
    """Append the arc as a new version unless it equals the latest one; returns the current version number."""
    latest = latest_version(session, season_id)
    payload = arc.model_dump(mode="json")
    if latest is not None and latest.arc == payload:
        return latest.version
    number = (latest.version + 1) if latest else 1
    session.add(ArcVersion(season_id=season_id, version=number, arc=payload, note=note, actor=actor))
    session.flush()
    return number


def latest_version(session: Session, season_id: int) -> ArcVersion | None:
    """The newest saved version of the season's arc."""
    return session.scalar(select(ArcVersion).where(ArcVersion.season_id == season_id)
                          .order_by(ArcVersion.version.desc()).limit(1))


def get_version(session: Session, season_id: int, number: int) -> ArcVersion | None:
    """One version by number."""
    return session.scalar(select(ArcVersion).where(ArcVersion.season_id == season_id,
                                                   ArcVersion.version == number))


def version_count(session: Session, season_id: int) -> int:
    """How many versions the season's arc has."""
    return int(session.scalar(select(func.count()).select_from(ArcVersion)
                              .where(ArcVersion.season_id == season_id)) or 0)


def versions(session: Session, season_id: int) -> list[ArcVersion]:
    """All versions, oldest first."""
    return list(session.scalars(select(ArcVersion).where(ArcVersion.season_id == season_id)
                                .order_by(ArcVersion.version)))


def _clip(text: str, limit: int = 160) -> str:
    """Long fields shortened for the thread."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff_episode(before: EpisodeScript, after: EpisodeScript) -> list[str]:
    """Field-level changes of one episode (empty when nothing changed)."""
    changes = []
    for field in EPISODE_FIELDS:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            changes.append(f"• _{field.replace('_', ' ')}_: ~{_clip(old)}~ → {_clip(new)}")
    if before.lines != after.lines:
        old_texts = [f"{line.speaker}: {line.text}" for line in before.lines]
        new_texts = [f"{line.speaker}: {line.text}" for line in after.lines]
        added = [t for t in new_texts if t not in old_texts]
        removed = [t for t in old_texts if t not in new_texts]
        changes.append(f"• lines: {len(before.lines)} → {len(after.lines)} "
                       f"(~{before.estimated_duration_s:.0f} s → ~{after.estimated_duration_s:.0f} s)")
        changes += [f"   + {_clip(t, 120)}" for t in added[:4]] + [f"   − ~{_clip(t, 120)}~" for t in removed[:4]]
    return changes


def diff_arcs(before: Arc, after: Arc, only_episode: int | None = None) -> list[str]:
    """What changed between two arcs, episode by episode (optionally one episode only)."""
    out: list[str] = []
    if only_episode is None:
        for field in ARC_FIELDS:
            if getattr(before, field) != getattr(after, field):
                out.append(f"• _{field.replace('_', ' ')}_: ~{_clip(getattr(before, field))}~ → "
                           f"{_clip(getattr(after, field))}")
        old_cast = {(m.role, m.name) for m in before.cast}
        new_cast = {(m.role, m.name) for m in after.cast}
        if old_cast != new_cast:
            gone = ", ".join(f"{n} ({r})" for r, n in sorted(old_cast - new_cast))
            came = ", ".join(f"{n} ({r})" for r, n in sorted(new_cast - old_cast))
            out.append(f"• cast: ~{gone}~ → {came}")
        if len(before.episodes) != len(after.episodes):
            out.append(f"• episodes: {len(before.episodes)} → {len(after.episodes)}")
    pairs = zip(before.episodes, after.episodes)
    for old, new in pairs:
        if only_episode is not None and new.number != only_episode:
            continue
        changes = diff_episode(old, new)
        if changes:
            out.append(f"*Ep {new.number} · {new.title}*")
            out += changes
    return out


def last_change_to_episode(session: Session, season_id: int, number: int) -> tuple[int, int] | None:
    """(older, newer) version numbers of the latest change that touched episode `number`; None if never changed."""
    rows = versions(session, season_id)
    for newer, older in zip(reversed(rows), list(reversed(rows))[1:]):
        a, b = Arc.model_validate(older.arc), Arc.model_validate(newer.arc)
        if number <= len(a.episodes) and number <= len(b.episodes) and \
                a.episodes[number - 1] != b.episodes[number - 1]:
            return older.version, newer.version
    return None
