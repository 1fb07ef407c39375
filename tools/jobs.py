"""The job queue: huey tasks for renders, the reaper, the publish sweep and the hourly figures pull.

huey is only the doorbell (DESIGN.md §6): each task takes an id and the database row decides whether there is work
to do. The work itself is handed in as callables by the composition root, so importing this module starts nothing
and the same tasks run in an embedded thread consumer (demo), a `cliffhanger worker` process, or immediately (tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

log = logging.getLogger(__name__)


def build_huey(*, queue_path: Path, redis_url: str | None = None, immediate: bool = False,
               name: str = "cliffhanger") -> Huey:
    """SqliteHuey embedded by default; RedisHuey when REDIS_URL is set; in-memory immediate mode for tests."""
    if immediate:
        return MemoryHuey(name, immediate=True)
    if redis_url:
        return RedisHuey(name, url=redis_url)
    queue_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(queue_path))


@dataclass
class JobHandlers:
    """The work behind each task (built by the composition root from the store, backend and channel)."""

    render: Callable[[int], str]
    reap: Callable[[], list[int]]
    sweep: Callable[[], object] | None = None
    campaign_asset: Callable[[int], str] | None = None  # generate one campaign asset version (issue 7)
    campaign_tick: Callable[[Callable[[int], None]], list[int]] | None = None  # plan + re-ring stalled assets
    minutely: dict[str, Callable[[], object]] = field(default_factory=dict)  # e.g. review escalation
    hourly: dict[str, Callable[[], object]] = field(default_factory=dict)  # e.g. pull post figures + weekly digest


class JobQueue:
    """Our tasks registered on one huey instance."""

    def __init__(self, huey: Huey, handlers: JobHandlers) -> None:
        self.huey = huey
        self.handlers = handlers
        self._render_task = huey.task(retries=2, retry_delay=2, name="render_episode")(self._render)
        self._reap_task = huey.periodic_task(crontab(minute="*"), name="reap_renders")(self._reap)
        if handlers.sweep is not None:
            self._sweep_task = huey.periodic_task(crontab(minute="*"), name="publish_sweep")(self._sweep)
        if handlers.campaign_asset is not None:
            self._campaign_task = huey.task(retries=2, retry_delay=2, name="campaign_asset")(self._campaign_asset)
        if handlers.campaign_tick is not None:
            self._campaign_tick_task = huey.periodic_task(crontab(minute="*"), name="campaign_tick")(
                self._campaign_tick)
        for name, job in handlers.minutely.items():
            huey.periodic_task(crontab(minute="*"), name=name)(job)
        self.hourly = {name: huey.periodic_task(crontab(minute="7"), name=name)(job)  # off the hour's rush
                       for name, job in handlers.hourly.items()}

    def _render(self, render_id: int) -> str:
        return self.handlers.render(render_id)

    def _reap(self) -> list[int]:
        expired = self.handlers.reap()
        for render_id in expired:
            log.warning("re-enqueueing render %s: its worker's lease expired", render_id)
            self._render_task(render_id)
        return expired

    def _sweep(self) -> object:
        assert self.handlers.sweep is not None
        return self.handlers.sweep()

    def _campaign_asset(self, asset_id: int) -> str:
        assert self.handlers.campaign_asset is not None
        return self.handlers.campaign_asset(asset_id)

    def _campaign_tick(self) -> list[int]:
        assert self.handlers.campaign_tick is not None
        return self.handlers.campaign_tick(self.enqueue_campaign_asset)

    def enqueue_campaign_asset(self, asset_id: int) -> None:
        """Ring the doorbell for one campaign asset row."""
        self._campaign_task(asset_id)

    def campaign_tick_now(self) -> list[int]:
        """Plan approved episodes' campaigns and enqueue them once (the demo and tests; workers run it minutely)."""
        return self._campaign_tick()

    def enqueue_render(self, render_id: int) -> None:
        """Ring the doorbell for one render row."""
        self._render_task(render_id)

    def reap_now(self) -> list[int]:
        """Run the reaper once (tests and the CLI)."""
        return self._reap()

    def pending(self) -> int:
        """Jobs waiting in the queue."""
        return self.huey.pending_count()

    def consumer(self, workers: int = 2) -> Consumer:
        """A thread consumer (used in-process by the demo, and by `cliffhanger worker`)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                         check_worker_health=False, initial_delay=0.05, max_delay=0.5)
