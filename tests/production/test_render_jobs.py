"""Render jobs on the queue: cache hits, a killed worker, the reaper, and the Redis queue path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.bootstrap import continuity_report
from agent.services.production import LEASE, expired_renders, plan_renders, run_render
from agent.store.db import Store
from agent.store.models import Render, utcnow
from tests.production.seed import locked_season
from tools.jobs import JobHandlers, JobQueue, build_huey
from tools.render.local import LocalRenderer

pytestmark = pytest.mark.slow


def _run(store: Store, render_id: int, artifacts: Path, now=None) -> str:  # type: ignore[no-untyped-def]
    return run_render(store, render_id, backend=LocalRenderer(), continuity=continuity_report,
                      artifacts_dir=artifacts, preset="ultrafast", now=now)


def test_unchanged_inputs_are_a_cache_hit(store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    first = plan_renders(store, season_id, [1])
    assert len(first) == 1
    assert _run(store, first[0], tmp_path / "art") == "done"
    assert plan_renders(store, season_id, [1]) == []  # same script × look × lead: nothing new to render
    with store.session() as session:  # a second row with the same inputs (e.g. a re-queued job) re-uses the file
        original = session.get(Render, first[0])
        clone = Render(episode_id=original.episode_id, script_version_id=original.script_version_id,
                       look_id=original.look_id, input_hash=original.input_hash)
        session.add(clone)
        session.flush()
        clone_id = clone.id
    assert _run(store, clone_id, tmp_path / "art") == "cached"
    with store.session() as session:
        a, b = session.get(Render, first[0]), session.get(Render, clone_id)
        assert a.video_path == b.video_path and a.file_hash == b.file_hash
    assert len(list((tmp_path / "art").rglob("ep01.mp4"))) == 1


def test_a_killed_worker_is_picked_up_again_without_a_duplicate(settings, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    season_id = locked_season(store, tmp_path)
    [render_id] = plan_renders(store, season_id, [2])
    artifacts = tmp_path / "art"
    script = (
        "import sys; from agent.store.db import Store; from tests.production.test_render_jobs import _run;"
        f"_run(Store.open({settings.effective_database_url!r}), {render_id}, __import__('pathlib').Path({str(artifacts)!r}))"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while True:  # wait until the worker has claimed the job, then kill it mid-render (ffmpeg too)
        with store.session() as session:
            status = session.get(Render, render_id).status
        if status == "RUNNING":
            break
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    with store.session() as session:
        assert session.get(Render, render_id).status == "RUNNING"  # the dead worker's claim is still there
    assert _run(store, render_id, artifacts) == "skipped"  # its lease is still valid: nobody steals it early
    later = utcnow() + LEASE + timedelta(seconds=1)
    assert expired_renders(store, later) == [render_id]  # the reaper sees the expired lease
    assert _run(store, render_id, artifacts, now=later) == "done"
    with store.session() as session:
        rows = session.scalars(select(Render)).all()
        assert len(rows) == 1 and rows[0].status == "DONE" and rows[0].attempts == 2
    videos = [p for p in artifacts.rglob("*.mp4") if "teaser" not in p.name]
    assert len(videos) == 1 and videos[0].stat().st_size > 10_000


def test_redis_queue_runs_render_jobs(redis_url: str, store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    [render_id] = plan_renders(store, season_id, [1])
    huey = build_huey(queue_path=tmp_path / "q.sqlite", redis_url=redis_url, name=f"test-{tmp_path.name}")
    huey.flush()
    done: list[str] = []
    queue = JobQueue(huey, JobHandlers(render=lambda rid: done.append(_run(store, rid, tmp_path / "art")) or "ok",
                                       reap=list))
    queue.enqueue_render(render_id)
    assert queue.pending() == 1
    consumer = queue.consumer(workers=1)
    consumer.start()
    try:
        deadline = time.monotonic() + 90
        while not done and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
        huey.flush()
    assert done == ["done"]
    with store.session() as session:
        assert session.get(Render, render_id).status == "DONE"
