"""What a restarted process picks up (issue 12 §5): agent.store.jobs.resumable_jobs on a real season's rows.

The end-to-end test (test_restart_chat.py) kills one chat at one moment; this one puts a job in each state a kill can
leave behind and checks each goes to the right place: queued cuts and released orphans to the render task, campaign
assets to theirs, a finished cut without a card to posting, and nothing that is superseded, live or done.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from agent.services.production import plan_renders
from agent.store.db import Store
from agent.store.jobs import claim_job, resumable_jobs
from agent.store.models import Render, ReviewMessage, utcnow
from tests.production.seed import locked_season


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    return int(finished.stdout)


def test_each_interrupted_job_goes_where_it_continues(store: Store, tmp_path: Path) -> None:
    season_id = locked_season(store, tmp_path)
    queued, unposted, posted, orphan, superseded, live = plan_renders(store, season_id, [1, 2, 3, 4, 5, 6])
    assert claim_job(store, orphan) and claim_job(store, live)  # both claimed by this (live) test process
    with store.session() as session:
        rows = {render_id: session.get_one(Render, render_id) for render_id in (unposted, posted, orphan, superseded)}
        for render_id in (unposted, posted):
            rows[render_id].status, rows[render_id].finished_at = "DONE", utcnow()
        session.add(ReviewMessage(render_id=posted, channel_id="C", message_ts="2.0", thread_ts="1.0"))
        rows[posted].card_ts = "2.0"
        rows[orphan].meta = {"worker": f"{socket.gethostname()}:{_dead_pid()}"}  # its process is gone
        old = rows[superseded]
        newer = Render(episode=old.episode, script_version_id=old.script_version_id, look_id=old.look_id,
                       input_hash="newer")  # a revision queued after it: the old cut is not worth rendering
        asset = Render(episode_id=rows[posted].episode_id, kind="teaser", source_render_id=posted)
        session.add_all([newer, asset])
        session.flush()
        newest, asset_id = newer.id, asset.id

    jobs = resumable_jobs(store)

    assert jobs.renders == sorted([queued, orphan, newest])  # not the superseded one, not the live claim
    assert jobs.assets == [asset_id]  # an asset id never reaches the episode render task
    assert jobs.unposted == {unposted: season_id}
    with store.session() as session:
        assert session.get_one(Render, orphan).status == "QUEUED"  # released, so the ring can claim it at once
        assert session.get_one(Render, live).status == "RUNNING"
    assert claim_job(store, orphan)


def test_one_seasons_jobs(store: Store, tmp_path: Path) -> None:
    """"render again" in one thread rings that season's waiting cuts, not another thread's."""
    mine = locked_season(store, tmp_path, thread_ts="1.0")
    other = locked_season(store, tmp_path, thread_ts="2.0")
    [waiting] = plan_renders(store, mine, [2])
    [elsewhere] = plan_renders(store, other, [2])
    assert resumable_jobs(store, season_id=mine).renders == [waiting]
    assert resumable_jobs(store, season_id=other).renders == [elsewhere]
    assert resumable_jobs(store).renders == [waiting, elsewhere]


def test_a_card_claimed_by_a_dead_poster_is_posted_after_the_restart(store: Store, tmp_path: Path) -> None:
    """A process killed mid-upload leaves a posting claim on the card; the restart frees it (a live one's stays)."""
    season_id = locked_season(store, tmp_path)
    dead, alive = plan_renders(store, season_id, [1, 2])
    host = socket.gethostname()
    with store.session() as session:
        for render_id, pid in ((dead, _dead_pid()), (alive, 1)):  # pid 1 exists for as long as the machine does
            row = session.get_one(Render, render_id)
            row.status, row.finished_at = "DONE", utcnow()
            row.card_ts = f"posting:{int(utcnow().timestamp())}:{host}:{pid}:abc123"

    jobs = resumable_jobs(store)

    assert jobs.unposted == {dead: season_id}
    with store.session() as session:
        assert session.get_one(Render, dead).card_ts is None
        assert session.get_one(Render, alive).card_ts.startswith("posting:")
