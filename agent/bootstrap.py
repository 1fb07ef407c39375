"""The composition root: build the store, brain, renderer, queue, publishers and context from Settings.

Everything with side effects is constructed here and passed down; the CLI commands and the demo call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from agent.artifacts import make_artifact_store
from agent.context import AppContext
from agent.ports import Publisher, ReviewChannel
from agent.services.campaign import campaign_tick, run_campaign_asset
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


def make_publishers(settings: Settings, names: Sequence[str] | None = None, *,
                    store: Store | None = None) -> dict[str, Publisher]:
    """The publishers named in CLIFFHANGER_PUBLISHERS (or `names`), built through the plug-in registry.

    Publishers that must remember progress across a crash (TikTok's publish_id) keep it in the publication ledger
    row, so pass the process's store; without one an engine on the configured database is made (it connects on
    first use). An unknown or half-configured publisher fails here, at start-up, not at release time.
    """
    from agent.store.db import make_engine
    from integrations.publishers import make_publishers as build
    from tools.publish_ledger import PublicationState

    chosen = list(settings.publishers if names is None else names)
    ledger = PublicationState(store or Store(make_engine(settings.effective_database_url)))
    values = {**settings.model_dump(), "outbox_dir": settings.effective_outbox_dir}
    return {publisher.name: publisher for publisher in build(chosen, **values, publish_state=ledger)}


def _portrait_maker(settings: Settings, offline):  # type: ignore[no-untyped-def]
    """Gemini image generation for lead portraits when keyed; the offline generator otherwise (and as fallback)."""
    if settings.google_api_key is None or not settings.google_api_key.get_secret_value():
        return offline
    from integrations.gemini.images import portrait_maker

    return portrait_maker(settings.google_api_key.get_secret_value(), settings.gemini_base_url, offline)


def continuity_report(request, output) -> dict:  # type: ignore[no-untyped-def]
    """Run the continuity checks and store their result as JSON."""
    from tools.continuity import check_render

    report = check_render(request, output)
    data = report.model_dump(mode="json")
    data["summary"] = report.summary()
    return data


def make_campaign_publishers(settings: Settings) -> dict[str, Publisher]:
    """Publishers for campaign assets: the outbox's campaign folder (episode publishers take episodes only)."""
    from integrations.campaign_outbox import CampaignOutboxPublisher

    return {"outbox": CampaignOutboxPublisher(settings.effective_outbox_dir)}


@dataclass
class Runtime:
    """What a running process holds: the app context and its job queue."""

    context: AppContext
    queue: JobQueue
    campaign_publishers: dict[str, Publisher] = field(default_factory=dict)


def build_runtime(settings: Settings, channel: ReviewChannel, *, store: Store | None = None,
                  immediate_queue: bool = False) -> Runtime:
    """Wire concrete adapters to the ports (one place, one line per adapter)."""
    from integrations.backends import make_backend
    from tools.portrait import generate_portrait
    from tools.preview import make_look_preview

    store = store or Store.open(settings.effective_database_url)
    artifacts = make_artifact_store(settings)
    backend = make_backend(settings.video_backend, settings)
    publishers = make_publishers(settings, store=store)
    campaign_publishers = make_campaign_publishers(settings)

    def render(render_id: int) -> str:
        return run_render(store, render_id, backend=backend, continuity=continuity_report,
                          artifacts_dir=settings.artifacts_dir, preset=settings.render_preset, channel=channel,
                          artifacts=artifacts)

    def sweep() -> object:
        from agent.store.models import utcnow

        return sweep_and_report(store, publishers, channel, now=utcnow(), campaign_publishers=campaign_publishers,
                                artifacts=artifacts)

    def campaign_asset(asset_id: int) -> str:
        return run_campaign_asset(store, asset_id, artifacts_dir=settings.artifacts_dir, channel=channel,
                                  preset=settings.render_preset, artifacts=artifacts)

    def escalate() -> int:
        from agent.services.escalation import escalate_overdue
        from agent.store.models import utcnow

        return escalate_overdue(store, channel, utcnow(), timedelta(hours=settings.escalate_after_hours))

    huey = build_huey(queue_path=settings.queue_path, redis_url=settings.redis_url, immediate=immediate_queue)
    queue = JobQueue(huey, JobHandlers(render=render, reap=lambda: expired_renders(store), sweep=sweep,
                                       campaign_asset=campaign_asset,
                                       campaign_tick=lambda enqueue: campaign_tick(store, enqueue),
                                       minutely={"escalate_reviews": escalate}))
    context = AppContext(
        settings=settings, store=store, brain=make_brain(settings), channel=channel,
        enqueue_render=queue.enqueue_render,
        make_portrait=_portrait_maker(settings, lambda name, seed, path: generate_portrait(name, seed, Path(path))),
        make_preview=make_look_preview, publishers=publishers,
        enqueue_campaign=queue.enqueue_campaign_asset, artifacts=artifacts,
    )
    return Runtime(context=context, queue=queue, campaign_publishers=campaign_publishers)
