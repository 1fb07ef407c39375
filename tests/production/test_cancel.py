"""Cancelling queued renders: the rows are never claimed, running ones finish, and 'render again' re-queues."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent.services.cancel import cancel_queued_renders
from agent.services.production import claim, plan_renders
from agent.store.db import Store
from agent.store.models import AuditEntry, Episode, Render
from tests.production.seed import locked_season


def test_cancel_stops_queued_renders_but_not_running_ones(store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    ids = plan_renders(store, season_id)
    assert len(ids) == 8
    assert claim(store, ids[0])  # a worker already took Ep 1
    result = cancel_queued_renders(store, season_id, "U_MARKETER")
    assert result.running == [1] and result.cancelled == list(range(2, 9))
    assert "Ep 1 is already rendering" in result.text()
    assert not any(claim(store, render_id) for render_id in ids[1:])  # the queued jobs find nothing to do
    with store.session() as session:
        statuses = dict(session.execute(select(Episode.number, Episode.status).where(
            Episode.season_id == season_id)).all())
        assert statuses[1] == "RENDERING" and statuses[2] == "SCRIPTED"
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "renders.cancelled")) is not None
    again = plan_renders(store, season_id)
    assert len(again) == 7  # the cancelled ones get fresh rows; Ep 1's running render is current
    with store.session() as session:
        assert session.scalar(select(Render.status).where(Render.id == again[0])) == "QUEUED"
    assert cancel_queued_renders(store, season_id, "U").cancelled == list(range(2, 9))
    assert "Nothing is queued" in cancel_queued_renders(store, 999, "U").text()
