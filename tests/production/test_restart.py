"""A process killed mid-render: on restart, its claims on this machine go back to the queue at once (issue 12 §5).

The lease reaper would find them only after the lease (minutes); a restarted chat must not show "rendering" for
renders nobody is rendering. Claims held by a live process, or by another machine, are left alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from agent.services.production import plan_renders
from agent.store.db import Store
from agent.store.jobs import claim_job, orphaned_jobs, release_orphans
from agent.store.models import Render
from tests.production.seed import locked_season

ROOT = Path(__file__).parents[2]


def _status(store: Store, render_id: int) -> tuple[str, dict]:
    with store.session() as session:
        row = session.get(Render, render_id)
        return row.status, dict(row.meta or {})


def _claim_in_a_process_then_hang(store: Store, url: str, render_id: int) -> subprocess.Popen[bytes]:
    script = ("import sys, time; from agent.store.db import Store; from agent.store.jobs import claim_job;"
              f"assert claim_job(Store.open({url!r}), {render_id}); print('claimed', flush=True); time.sleep(600)")
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              start_new_session=True)
    assert worker.stdout is not None and worker.stdout.readline().strip() == b"claimed"  # an observable marker
    return worker


def test_a_killed_process_claims_are_released_on_restart(settings, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    season_id = locked_season(store, tmp_path)
    first, second = plan_renders(store, season_id, [1, 2])
    url = settings.effective_database_url
    dead = _claim_in_a_process_then_hang(store, url, first)
    alive = _claim_in_a_process_then_hang(store, url, second)
    try:
        os.killpg(dead.pid, signal.SIGKILL)
        dead.wait()
        status, meta = _status(store, first)
        assert status == "RUNNING" and meta["worker"].endswith(f":{dead.pid}")  # the dead claim is still there
        assert orphaned_jobs(store) == [first]  # the live process's claim is not an orphan
        assert release_orphans(store) == [first]
        assert _status(store, first)[0] == "QUEUED" and _status(store, second)[0] == "RUNNING"
        assert claim_job(store, first)  # the restarted process can take it again at once, lease or not
        with store.session() as session:
            assert session.get(Render, first).attempts == 2
    finally:
        os.killpg(alive.pid, signal.SIGKILL)
        alive.wait()


def test_claims_from_another_machine_wait_for_their_lease(store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    [render_id] = plan_renders(store, season_id, [1])
    assert claim_job(store, render_id)
    with store.session() as session:
        row = session.get(Render, render_id)
        row.meta = {**(row.meta or {}), "worker": "another-host:1"}  # pid 1 exists nowhere we could check
    assert orphaned_jobs(store) == []
    assert release_orphans(store) == []
