"""Cancel queued renders. The database is the ledger: a CANCELLED row is never claimed, so the queued huey job
finds nothing to do when it runs (no need to reach into the queue); a render already running finishes and is
posted as usual, and the reply says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from agent.domain import EpisodeStatus
from agent.services.seasons import audit
from agent.store.db import Store
from agent.store.models import EPISODE, Episode, Render


@dataclass(frozen=True)
class Cancelled:
    """What a cancel did."""

    cancelled: list[int]  # episode numbers whose queued render was cancelled
    running: list[int]  # episode numbers already rendering (they finish)

    def text(self) -> str:
        """The thread reply."""
        if not self.cancelled and not self.running:
            return "Nothing is queued for rendering."
        parts = []
        if self.cancelled:
            parts.append("Cancelled the queued renders of " + ", ".join(f"Ep {n}" for n in self.cancelled) + ".")
        if self.running:
            parts.append(", ".join(f"Ep {n}" for n in self.running) + " is already rendering and will finish.")
        parts.append("Say *render again* to queue them once more.")
        return " ".join(parts)


def cancel_queued_renders(store: Store, season_id: int, actor: str) -> Cancelled:
    """QUEUED → CANCELLED for the season's renders (conditional update: a worker claiming right now wins)."""
    with store.session() as session:
        rows = session.execute(
            select(Render.id, Render.status, Episode.number, Episode.id)
            .join(Episode, Render.episode_id == Episode.id)
            .where(Episode.season_id == season_id, Render.kind == EPISODE, Render.status.in_(("QUEUED", "RUNNING")))
            .order_by(Episode.number)
        ).all()
        cancelled, running = [], []
        for render_id, status, number, episode_id in rows:
            if status == "RUNNING":
                running.append(number)
                continue
            result = session.execute(
                update(Render).where(Render.id == render_id, Render.status == "QUEUED").values(status="CANCELLED"))
            if result.rowcount == 1:
                cancelled.append(number)
                episode = session.get(Episode, episode_id)
                assert episode is not None
                episode.status = EpisodeStatus.SCRIPTED
        if cancelled:
            audit(session, season_id, actor, "renders.cancelled", {"episodes": cancelled})
        return Cancelled(cancelled=cancelled, running=running)
