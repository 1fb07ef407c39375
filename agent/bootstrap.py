"""The composition root: every entry point (`cliffhanger slack`, `worker`, `publish-due`, `chat`, `demo`, the tests'
local stack) builds its process here, from Settings, and nowhere else.

This is one of the two modules of agent/ allowed to import adapters (the other is cli.py; tests/test_layering.py
keeps the list). Plug-ins — publishers, video backends, voices, brains — are chosen by name through the entry-point
registry (agent/plugins.py); the artifact store, the Slack wiring and the Gemini portraits are chosen here.
Nothing here runs at import time: each function builds what it is asked for when it is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent import plugins
from agent.artifacts import LocalArtifactStore, is_remote
from agent.context import AppContext
from agent.ports import (
    ArtifactStore,
    Brain,
    LocationPainter,
    Publisher,
    RenderOutput,
    RenderRequest,
    ReviewChannel,
    StoryboardWriter,
    VideoBackend,
)
from agent.settings import Settings
from agent.store.db import Store
from tools.jobs import JobHandlers, JobQueue, build_huey

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.oauth.oauth_settings import OAuthSettings
    from slack_sdk import WebClient

    from agent.conversation import Conversation


def make_brain(settings: Settings) -> Brain:
    """The brain CLIFFHANGER_BRAIN names (auto: Gemini when keyed, the offline brain otherwise)."""
    brain: Brain = plugins.build("brains", settings.brain, **settings.plugin_values())
    return brain


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
    return {publisher.name: publisher
            for publisher in build(chosen, **settings.plugin_values(), publish_state=ledger)}


def make_campaign_publishers(settings: Settings) -> dict[str, Publisher]:
    """The campaign side of the configured publishers (plug-ins in `cliffhanger.campaign_publishers`)."""
    from integrations.publishers import make_campaign_publishers as build

    return build(settings.publishers, **settings.plugin_values())


def make_artifact_store(settings: Settings) -> ArtifactStore:
    """The configured store: s3://bucket/prefix → the S3 adapter, a path or file:// URL → that folder, unset →
    <home>/artifacts. An unknown scheme fails at start-up, not at the first render."""
    url = (settings.artifact_store_url or "").strip()
    if not url:
        return LocalArtifactStore(settings.artifacts_dir)
    if is_remote(url):
        from integrations.s3 import S3ArtifactStore

        return S3ArtifactStore(url, cache_dir=settings.home / "artifact-cache",
                               endpoint_url=settings.artifact_store_endpoint_url)
    if url.startswith("file://"):
        return LocalArtifactStore(Path(url.removeprefix("file://")))
    if "://" in url:
        raise ValueError(f"ARTIFACT_STORE_URL {url!r}: use s3://bucket/prefix, file:///folder or leave it unset")
    return LocalArtifactStore(Path(url))


def _portrait_maker(settings: Settings, offline):  # type: ignore[no-untyped-def]
    """Gemini image generation for lead portraits when keyed; the offline generator otherwise (and as fallback)."""
    from integrations.gemini.settings import GeminiSettings

    gemini = GeminiSettings.from_values(settings.plugin_values())
    if gemini.key is None:
        return offline
    from integrations.gemini.images import portrait_maker

    return portrait_maker(gemini.key, gemini.base_url, offline)


def _location_painter(settings: Settings) -> LocationPainter:
    """Gemini location plates when keyed (the drawn sets as their fallback); the drawn sets otherwise."""
    from integrations.gemini.settings import GeminiSettings
    from tools.render.scenes import DrawnLocations

    drawn = DrawnLocations(settings.home / "locations")
    gemini = GeminiSettings.from_values(settings.plugin_values())
    if gemini.key is None:
        return drawn
    from integrations.gemini.locations import location_painter

    return location_painter(gemini.key, gemini.base_url, settings.home / "locations", drawn)


def _storyboard_writer(brain: Brain, cache_dir: Path) -> StoryboardWriter | None:
    """Who writes the shot lists: the Gemini brain's client through the storyboard adapter (its answers kept in
    `cache_dir`); any other brain that writes storyboards itself; None (the renderer's deterministic writer)."""
    client = getattr(brain, "client", None)
    if getattr(brain, "name", "") == "gemini" and client is not None:
        from integrations.gemini.storyboard import GeminiStoryboards

        return GeminiStoryboards(client, cache_dir)
    return brain if isinstance(brain, StoryboardWriter) else None


class PlannedDrama:
    """The drama backend with its plan filled in first: the season's locations locked to the painter's images and,
    when a storyboard writer is wired (Gemini), the shot list written by it (issue 13 §1, §3).

    The request is completed in place on purpose: production hands the same object to the continuity check, which
    must hold the render to the location locks it really used. Everything else is the wrapped backend's.
    """

    def __init__(self, backend: VideoBackend, writer: StoryboardWriter | None, painter: LocationPainter) -> None:
        """Wrap `backend` (the animatic renderer)."""
        self.backend = backend
        self.writer = writer
        self.painter = painter
        self.name = backend.name

    def render(self, request: RenderRequest) -> RenderOutput:
        """Plan, then render."""
        plan_drama(request, self.writer, self.painter)
        return self.backend.render(request)

    def __getattr__(self, item: str) -> Any:
        return getattr(self.backend, item)


def make_video_backend(settings: Settings, brain: Brain, store: Store) -> VideoBackend:
    """The configured video backend; the drama renderer (animatic) comes with its planner: locations locked by the
    painter (Gemini plates when keyed, drawn sets otherwise), shots written by the brain's writer when it has one."""
    from integrations.backends import make_backend

    backend = make_backend(settings.video_backend, settings, store=store)
    if backend.name != "animatic":
        return backend
    return PlannedDrama(backend, _storyboard_writer(brain, settings.home / "storyboards"), _location_painter(settings))


def plan_drama(request: RenderRequest, writer: StoryboardWriter | None, painter: LocationPainter) -> None:
    """Lock every location of the request (the renderer's backdrop size, so a drawn plate is pixel-for-pixel the
    set it would have painted) and, with a writer and no stored storyboard, have the shot list written."""
    from agent.brain.storyboard import episode_texts, locations_for
    from tools.render.animatic import END_S
    from tools.render.camera import margin_for
    from tools.render.cast import lead_key
    from tools.render.scenes import lock_locations

    if not request.locations:  # the same places the renderer would choose from the script
        request.locations = locations_for(episode_texts(request.script))
    margin = margin_for(request.width)
    size = (request.width + 2 * margin, request.height + 2 * margin)
    request.locations = lock_locations(request.locations, request.look, size, painter)
    if request.storyboard is None and writer is not None:
        length = request.episode_length_s - END_S if request.episode_length_s else None
        request.storyboard = writer.write_storyboard(request.script, lead_key(request),
                                                     [loc.key for loc in request.locations], length)


def continuity_report(request, output) -> dict:  # type: ignore[no-untyped-def]
    """Run the continuity checks and store their result as JSON."""
    from tools.continuity import check_render

    report = check_render(request, output)
    data = report.model_dump(mode="json")
    data["summary"] = report.summary()
    return data


@dataclass
class Runtime:
    """What a running process holds: the app context, its job queue, and the publishing side."""

    context: AppContext
    queue: JobQueue
    publishers: dict[str, Publisher] = field(default_factory=dict)
    campaign_publishers: dict[str, Publisher] = field(default_factory=dict)

    def publish_due(self, now: datetime):  # type: ignore[no-untyped-def]
        """One publish sweep — episodes and campaign assets — with a note per season thread. The worker's
        minutely job, `cliffhanger publish-due` and the demo all call this."""
        from agent.app.releases import publish_due  # the use case: sweep, then the one follow-up step

        return publish_due(self.context, now, self.campaign_publishers).result

    def resume_interrupted(self) -> int:
        """Ring the doorbell again for everything the last stop left waiting; returns how many jobs.

        Every long-lived entry point (chat, slack, worker) calls this at start, so a restart continues each season
        where it was instead of showing "rendering" for ever. Renders a killed process of this machine left RUNNING
        go back to QUEUED and every QUEUED job is rung (its doorbell may have died with that process): cuts go to the
        render task, campaign assets to theirs. A cut that finished but was never posted gets its card now. Other
        machines' claims wait for the lease reaper.
        """
        from agent.services.production import post_failed, post_for_review, report_progress
        from agent.store.jobs import resumable_jobs

        app = self.context
        jobs = resumable_jobs(app.store)
        for render_id, season_id in jobs.unposted.items():  # finished, but the process died before the card went up
            try:
                post_for_review(app.store, render_id, app.channel, app.artifacts)
            except Exception as error:  # noqa: BLE001 - told in the thread ("post ep N again"), as after a render
                post_failed(app.store, render_id, app.channel, error)
            report_progress(app.store, season_id, app.channel)
        for render_id in jobs.renders:
            app.enqueue_render(render_id)
        for asset_id in jobs.assets:
            app.enqueue_campaign(asset_id)
        return len(jobs.renders) + len(jobs.assets) + len(jobs.unposted)

    def close(self) -> None:
        """Release the database connections (the queue consumer, if any, is stopped by whoever started it)."""
        self.context.store.engine.dispose()


def build_runtime(settings: Settings, channel: ReviewChannel, *, store: Store | None = None,
                  immediate_queue: bool = False) -> Runtime:
    """Wire concrete adapters to the ports (one place, one line per adapter)."""
    from agent.services.campaign import campaign_tick, run_campaign_asset
    from agent.services.escalation import escalate_overdue
    from agent.services.production import expired_renders, run_render
    from agent.store.models import utcnow
    from integrations.generative.factory import final_backend_factory
    from tools.portrait import generate_portrait
    from tools.preview import make_look_preview

    store = store or Store.open(settings.effective_database_url)
    artifacts = make_artifact_store(settings)
    brain = make_brain(settings)
    backend = make_video_backend(settings, brain, store)
    final_backend = final_backend_factory(settings, store)  # the paid second pass, built on first use
    publishers = make_publishers(settings, store=store)
    campaign_publishers = make_campaign_publishers(settings)
    runtime: Runtime

    def render(render_id: int) -> str:
        return run_render(store, render_id, backend=backend, continuity=continuity_report,
                          artifacts_dir=settings.artifacts_dir, preset=settings.render_preset, channel=channel,
                          artifacts=artifacts, final_backend=final_backend)

    def campaign_asset(asset_id: int) -> str:
        return run_campaign_asset(store, asset_id, artifacts_dir=settings.artifacts_dir, channel=channel,
                                  preset=settings.render_preset, artifacts=artifacts)

    def escalate() -> int:
        return escalate_overdue(store, channel, utcnow(), timedelta(hours=settings.escalate_after_hours))

    def pull_figures() -> object:  # hourly: every published post's figures, then the weekly digests due
        from agent.app.metrics import metrics_tick
        from integrations.metrics_sources import make_metrics_sources

        sources = make_metrics_sources(publishers, **settings.plugin_values())
        return metrics_tick(runtime.context, sources, utcnow())

    huey = build_huey(queue_path=settings.queue_path, redis_url=settings.redis_url, immediate=immediate_queue)
    queue = JobQueue(huey, JobHandlers(render=render, reap=lambda: expired_renders(store),
                                       sweep=lambda: runtime.publish_due(utcnow()),
                                       campaign_asset=campaign_asset,
                                       campaign_tick=lambda enqueue: campaign_tick(store, enqueue),
                                       minutely={"escalate_reviews": escalate},
                                       hourly={"pull_metrics": pull_figures}))
    context = AppContext(
        settings=settings, store=store, brain=brain, channel=channel,
        enqueue_render=queue.enqueue_render,
        make_portrait=_portrait_maker(settings, lambda name, seed, path: generate_portrait(name, seed, Path(path))),
        make_preview=make_look_preview, publishers=publishers, artifacts=artifacts,
        enqueue_campaign=queue.enqueue_campaign_asset, final_backend=final_backend,
    )
    runtime = Runtime(context=context, queue=queue, publishers=publishers, campaign_publishers=campaign_publishers)
    return runtime


# ---- Slack: the adapters every Slack-facing entry point (serve, worker, publish-due, local stack) shares --------

def slack_adapters(settings: Settings, store: Store, *, base_url: str | None = None,
                   token: str | None = None) -> tuple[WebClient, ReviewChannel, OAuthSettings | None]:
    """The Bolt client, the review poster and (OAuth mode) the OAuth settings; `token` defaults to SLACK_BOT_TOKEN,
    `base_url` to SLACK_API_BASE_URL (the local stack passes the emulator's)."""
    from integrations.slack.oauth import slack_adapters as build

    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return build(settings, store, base_url or settings.slack_api_base_url, token)


def slack_channel(settings: Settings, store: Store) -> ReviewChannel | None:
    """The Slack poster when Slack is configured (bot token or OAuth installations), else None."""
    if settings.slack_bot_token is None and not settings.slack_oauth_enabled:
        return None
    return slack_adapters(settings, store)[1]


def terminal_channel(console: Any = None) -> ReviewChannel:
    """The terminal as the review channel (chat, and a worker or publish-due without Slack)."""
    from rich.console import Console

    from integrations.terminal import TerminalChannel

    return TerminalChannel(console if console is not None else Console())


def build_slack_app(runtime: Runtime, conversation: Conversation, *, client: WebClient, signing_secret: str,
                    oauth: OAuthSettings | None) -> App:
    """The Bolt app over this runtime (the same for `cliffhanger slack` and the local stack)."""
    from integrations.slack.app import build_app
    from integrations.slack.deps import SlackDeps

    return build_app(client=client, signing_secret=signing_secret, oauth_settings=oauth,
                     deps=SlackDeps(app=runtime.context, conversation=conversation),
                     listener_threads=runtime.context.settings.slack_listener_threads)
