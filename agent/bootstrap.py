"""The composition root: build the store, brain, renderer, queue, publishers and context from Settings.

Everything with side effects is constructed here and passed down; the CLI commands and the demo call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.context import AppContext
from agent.ports import Publisher, ReviewChannel
from agent.services.production import expired_renders, run_render
from agent.settings import Settings
from agent.store.db import Store
from agent.sweep import sweep_and_report
from tools.jobs import JobHandlers, JobQueue, build_huey


def make_brain(settings: Settings):  # type: ignore[no-untyped-def]
    """Gemini when keyed, the offline brain otherwise."""
    from agent.brain import make_brain as factory

    key = settings.google_api_key.get_secret_value() if settings.google_api_key else None
    return factory(key, settings.gemini_model, settings.gemini_base_url)


def make_publishers(settings: Settings, names: tuple[str, ...] = ("outbox",)) -> dict[str, Publisher]:
    """Publishers by name (outbox by default)."""
    from integrations.outbox import OutboxPublisher

    publishers: dict[str, Publisher] = {}
    for name in names:
        if name == "outbox":
            publishers[name] = OutboxPublisher(settings.effective_outbox_dir)
    return publishers


def continuity_report(request, output) -> dict:  # type: ignore[no-untyped-def]
    """Run the continuity checks and store their result as JSON."""
    from tools.continuity import check_render

    report = check_render(request, output)
    data = report.model_dump(mode="json")
    data["summary"] = report.summary()
    return data


@dataclass
class Runtime:
    """What a running process holds: the app context and its job queue."""

    context: AppContext
    queue: JobQueue


def build_runtime(settings: Settings, channel: ReviewChannel, *, store: Store | None = None,
                  immediate_queue: bool = False) -> Runtime:
    """Wire concrete adapters to the ports (one place, one line per adapter)."""
    from tools.portrait import generate_portrait
    from tools.preview import make_look_preview
    from tools.render.local import LocalRenderer

    store = store or Store.open(settings.effective_database_url)
    backend = LocalRenderer()
    publishers = make_publishers(settings)

    def render(render_id: int) -> str:
        return run_render(store, render_id, backend=backend, continuity=continuity_report,
                          artifacts_dir=settings.artifacts_dir, preset=settings.render_preset, channel=channel)

    def sweep() -> object:
        from agent.store.models import utcnow

        return sweep_and_report(store, publishers, channel, now=utcnow())

    huey = build_huey(queue_path=settings.queue_path, redis_url=settings.redis_url, immediate=immediate_queue)
    queue = JobQueue(huey, JobHandlers(render=render, reap=lambda: expired_renders(store), sweep=sweep))
    context = AppContext(
        settings=settings, store=store, brain=make_brain(settings), channel=channel,
        enqueue_render=queue.enqueue_render,
        make_portrait=lambda name, seed, path: generate_portrait(name, seed, Path(path)),
        make_preview=make_look_preview, publishers=publishers,
    )
    return Runtime(context=context, queue=queue)
