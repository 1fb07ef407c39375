"""Two sweeps at the same moment in two OS processes, each with its own engine, against one PostgreSQL database:
every episode is published exactly once (the database's row claim decides, not anything shared in memory)."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.ports import PublishPackage, PublishResult
from agent.store.db import Store, make_engine
from agent.store.models import Publication, Season
from tests.tools.test_publish import CADENCE, EP1_AT, NOW, make_season
from tools.publish import publish_due, schedule_season


@dataclass
class FileRecordingPublisher:
    """Appends each real publish call to a shared file (O_APPEND: safe across processes), slowly, so the two
    sweeps genuinely overlap."""

    log: str
    name: str = "outbox"
    delay: float = 0.4

    def publish(self, package: PublishPackage) -> PublishResult:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {package.idempotency_key}\n")
        time.sleep(self.delay)
        return PublishResult(external_id=package.idempotency_key, location=f"rec://{package.idempotency_key}")


def sweep_in_own_process(url: str, log: str, at: str, barrier: Any, results: Any) -> None:
    """Child process: a fresh engine (no pool, no session shared with the parent), wait for the other, sweep."""
    store = Store(make_engine(url))
    barrier.wait(60)
    results.put(publish_due(store, [FileRecordingPublisher(log)], datetime.fromisoformat(at)).published)
    store.engine.dispose()


@pytest.mark.postgres
def test_two_processes_sweeping_together_publish_once_postgres(pg_store: Store, pg_url: str, tmp_path: Path) -> None:
    sid = make_season(pg_store, tmp_path, episodes=3)
    schedule_season(pg_store, sid, CADENCE, now=NOW)
    log = tmp_path / "calls.log"
    log.touch()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    at = (EP1_AT + timedelta(days=3)).isoformat()
    workers = [ctx.Process(target=sweep_in_own_process, args=(pg_url, str(log), at, barrier, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    published = [results.get(timeout=5) for _ in workers]
    calls = log.read_text().split("\n")[:-1]
    keys = [line.split()[1] for line in calls]
    assert sum(published) == 3 and len(keys) == 3 and len(set(keys)) == 3  # three episodes, each called once
    with pg_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Publication)) == 3
        assert s.get(Season, sid).status == "COMPLETE"


def campaign_sweep_in_own_process(url: str, log: str, at: str, barrier: Any, results: Any) -> None:
    """Child process: the campaign half of the one sweep, on its own engine."""
    from agent.services.campaign_publish import publish_campaign_due

    store = Store(make_engine(url))
    barrier.wait(60)
    results.put(publish_campaign_due(store, [FileRecordingPublisher(log)], datetime.fromisoformat(at)).published)
    store.engine.dispose()


def _approved_assets(store: Store, season_id: int, tmp_path: Path) -> list[int]:
    """Two posted, approved campaign assets (quote, write-up) of episode 1, made from its approved cut."""
    from agent.store.models import Approval, Episode, Render, ReviewMessage

    image = tmp_path / "quote.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    with store.session() as s:
        episode = s.scalar(select(Episode).where(Episode.season_id == season_id, Episode.number == 1))
        cut = episode.renders[-1]
        ids = []
        for kind in ("quote", "writeup"):
            asset = Render(episode_id=episode.id, kind=kind, source_render_id=cut.id, status="DONE",
                           files=[str(image)], text=f"A {kind} about a latte.")
            s.add(asset)
            s.flush()
            s.add(ReviewMessage(render_id=asset.id, channel_id="C1", message_ts="9.1", thread_ts="1.0", kind=kind))
            s.add(Approval(render_id=asset.id, user_id="U_ANNA", via="reaction"))
            ids.append(asset.id)
        return ids


@pytest.mark.postgres
def test_two_processes_publish_each_campaign_asset_once_postgres(pg_store: Store, pg_url: str,
                                                                 tmp_path: Path) -> None:
    sid = make_season(pg_store, tmp_path, episodes=1)
    schedule_season(pg_store, sid, CADENCE, now=NOW)
    ids = _approved_assets(pg_store, sid, tmp_path)
    log = tmp_path / "campaign.log"
    log.touch()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    at = (EP1_AT + timedelta(minutes=1)).isoformat()
    workers = [ctx.Process(target=campaign_sweep_in_own_process, args=(pg_url, str(log), at, barrier, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    published = [results.get(timeout=5) for _ in workers]
    keys = [line.split()[1] for line in log.read_text().split("\n")[:-1]]
    assert sum(published) == 2 and sorted(keys) == sorted(f"campaign{i}:outbox" for i in ids)
    with pg_store.session() as s:
        rows = s.execute(select(Publication.render_id, Publication.status, Publication.slot_id)
                         .where(Publication.slot_id.is_(None))).all()
    assert sorted(rows) == sorted((i, "PUBLISHED", None) for i in ids)
