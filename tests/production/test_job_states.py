"""Episode renders and campaign assets share one job state machine: a failed attempt goes back to the queue (error
redacted) until its attempts are spent, then it stays FAILED; a claimed job is never claimed twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.domain import EpisodeStatus
from agent.ports import RenderOutput, RenderRequest
from agent.services.production import claim, plan_renders, run_render
from agent.store.db import Store
from agent.store.jobs import MAX_ATTEMPTS
from agent.store.models import Render
from tests.production.seed import locked_season


class BrokenBackend:
    """A video backend whose provider keeps failing (and puts a key in its error, as some SDKs do)."""

    name = "broken"

    def render(self, request: RenderRequest) -> RenderOutput:
        raise RuntimeError("provider 503; key=AIzaSyA1234567890abcdefghijklmnopqrstuv")


def test_a_failing_render_is_retried_then_gives_up_with_a_redacted_error(store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    [render_id] = plan_renders(store, season_id, [1])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            run_render(store, render_id, backend=BrokenBackend(), continuity=lambda *_: {},
                       artifacts_dir=tmp_path / "art")
        with store.session() as s:
            row = s.get_one(Render, render_id)
            assert row.attempts == attempt and "AIzaSy" not in (row.error or "") and "503" in (row.error or "")
            expected = ("QUEUED", EpisodeStatus.RENDERING) if attempt < MAX_ATTEMPTS else \
                ("FAILED", EpisodeStatus.FAILED)
            assert (row.status, row.episode.status) == expected
    assert not claim(store, render_id), "a job whose attempts are spent is never claimed again"
    assert run_render(store, render_id, backend=BrokenBackend(), continuity=lambda *_: {},
                      artifacts_dir=tmp_path / "art") == "skipped"
