"""Production: turn a locked season into render jobs, run one job safely, and post the result for review.

The database is the ledger and the queue only the doorbell (DESIGN.md §6): a render row carries its state and a
lease; claiming is a conditional UPDATE, so two workers (or a re-enqueued job after a crash) never render twice,
and the input hash makes an unchanged re-render a cache hit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update

from agent.artifacts import LocalArtifactStore, artifact_key, resolve_ref
from agent.domain import EpisodeStatus, LeadLock, LookSpec, SeasonStatus
from agent.ports import (
    ArtifactStore,
    PostedMessage,
    RenderOutput,
    RenderRequest,
    ReviewChannel,
    ThreadRef,
    VideoBackend,
)
from agent.services.approvals import latest_render
from agent.services.render_inputs import localise
from agent.services.review import build_card
from agent.services.seasons import SeasonError, current_bible, current_look, latest_script
from agent.store.db import Store
from agent.store.models import Render, ReviewMessage, Season, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)


def render_input_hash(script: dict, look_hash: str, lead_hash: str) -> str:
    """Content hash of (script version × look version × lead lock): same inputs → same file."""
    blob = json.dumps({"script": script, "look": look_hash, "lead": lead_hash}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def plan_renders(store: Store, season_id: int, episode_numbers: list[int] | None = None) -> list[int]:
    """Create QUEUED render rows for episodes whose current inputs have no render yet; return their ids.

    Refuses (SeasonError) unless the lead and the look are locked: the preconditions live in the database.
    """
    with store.session() as session:
        season = session.get(Season, season_id)
        if season is None:
            raise SeasonError(f"No season {season_id}")
        if not season.lead:
            raise SeasonError("Cast and lock a lead before rendering.")
        look = current_look(session, season)
        if look is None:
            raise SeasonError("Lock the look before rendering.")
        lead = LeadLock.model_validate(season.lead)
        ids: list[int] = []
        for episode in season.episodes:
            if episode_numbers is not None and episode.number not in episode_numbers:
                continue
            if episode.status == EpisodeStatus.PUBLISHED:
                continue
            version, _script = latest_script(episode)
            digest = render_input_hash(version.script, look.content_hash, lead.portrait_hash)
            current = latest_render(episode)
            if current is not None and current.input_hash == digest and current.status in ("QUEUED", "RUNNING", "DONE"):
                continue
            render = Render(episode=episode, script_version_id=version.id, look_id=look.id, input_hash=digest)
            session.add(render)
            episode.status = EpisodeStatus.RENDERING
            session.flush()
            ids.append(render.id)
        if ids:
            season.status = SeasonStatus.PRODUCING
        return ids


def claim(store: Store, render_id: int, now: datetime | None = None) -> bool:
    """Atomically take a render: QUEUED, or RUNNING with an expired lease (its worker died)."""
    now = now or utcnow()
    with store.session() as session:
        result = session.execute(
            update(Render)
            .where(
                Render.id == render_id,
                or_(Render.status == "QUEUED", (Render.status == "RUNNING") & (Render.lease_until < now)),
            )
            .values(status="RUNNING", lease_until=now + LEASE, attempts=Render.attempts + 1)
        )
        return result.rowcount == 1


def find_cached(store: Store, render: Render, artifacts: ArtifactStore | None = None) -> Render | None:
    """A finished render of the same inputs whose file is still in the artifact store (any machine may have made it)."""
    with store.session() as session:
        for other in session.scalars(
            select(Render).where(Render.input_hash == render.input_hash, Render.status == "DONE", Render.id != render.id)
        ):
            if other.video_path and (artifacts.exists(other.video_path) if artifacts is not None
                                     else Path(other.video_path).exists()):
                return other
    return None


def store_output(artifacts: ArtifactStore, output: RenderOutput, request: RenderRequest,
                 artifacts_dir: Path) -> dict[str, str | None]:
    """Put the rendered files into the artifact store; the references are what the Render row keeps.

    Keys follow the request's folder (season-N/render-<input hash>/ep01.mp4), wherever a backend actually wrote the
    file: content-addressed by the render's inputs, so a re-render of the same inputs lands on the same key.
    """
    def put(path: Path | None) -> str | None:
        return artifacts.put(path, artifact_key(request.out_dir / path.name, artifacts_dir)) if path else None

    return {"video_path": put(output.video_path), "cover_path": put(output.cover_path),
            "teaser_path": put(output.teaser_path)}


def build_request(store: Store, render_id: int, out_root: Path, preset: str,
                  artifacts: ArtifactStore | None = None) -> RenderRequest:
    """Everything the backend needs, read once from the database, with its input files on local disk."""
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        episode = render.episode
        season = episode.season
        script_row = next(v for v in episode.scripts if v.id == render.script_version_id)
        from agent.domain import EpisodeScript
        from agent.store.models import Look

        look = session.get(Look, render.look_id)
        assert look is not None
        bible = current_bible(session, season)
        lead, look_spec = localise(artifacts, LeadLock.model_validate(season.lead), LookSpec.model_validate(look.spec))
        return RenderRequest(
            script=EpisodeScript.model_validate(script_row.script),
            look=look_spec,
            lead=lead,
            out_dir=out_root / f"season-{season.id}" / f"render-{render.input_hash[:16]}",
            season_title=season.title,
            preset=preset,
            banned_words=bible.banned_words,
        )


ContinuityCheck = Callable[[RenderRequest, RenderOutput], dict]


def run_render(
    store: Store,
    render_id: int,
    *,
    backend: VideoBackend,
    continuity: ContinuityCheck,
    artifacts_dir: Path,
    preset: str = "veryfast",
    channel: ReviewChannel | None = None,
    now: datetime | None = None,
    artifacts: ArtifactStore | None = None,
) -> str:
    """Run one render job end to end; returns what happened ("done", "cached", "skipped").

    The backend renders into `artifacts_dir` on this machine; the files then go into `artifacts` (default: that same
    folder, so nothing moves) and the row keeps their references.
    """
    if not claim(store, render_id, now):
        return "skipped"
    artifacts = artifacts or LocalArtifactStore(artifacts_dir)
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        session.expunge(render)
    cached = find_cached(store, render, artifacts)
    try:
        if cached is not None:
            outcome = "cached"
            values = {  # the other render's references: the same files, wherever they live
                "video_path": cached.video_path, "cover_path": cached.cover_path, "teaser_path": cached.teaser_path,
                "file_hash": cached.file_hash, "duration_s": cached.duration_s, "width": cached.width,
                "height": cached.height, "report": cached.report,
            }
        else:
            outcome = "done"
            request = build_request(store, render_id, artifacts_dir, preset, artifacts)
            output = backend.render(request)
            report = continuity(request, output)  # on the local files, before they leave this machine
            values = dict(
                **store_output(artifacts, output, request, artifacts_dir), file_hash=output.file_hash,
                duration_s=output.duration_s, width=output.width, height=output.height, report=report,
            )
    except Exception as exc:  # the job must record why it failed, then let the queue retry
        log.exception("render %s failed", render_id)
        with store.session() as session:
            row = session.get(Render, render_id)
            assert row is not None
            row.status = "FAILED"
            row.error = f"{type(exc).__name__}: {exc}"[:2000]
            row.episode.status = EpisodeStatus.FAILED
        raise
    with store.session() as session:
        row = session.get(Render, render_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        row.status = "DONE"
        row.finished_at = utcnow()
        row.lease_until = None
        row.episode.status = EpisodeStatus.RENDERED
    if channel is not None:
        post_for_review(store, render_id, channel, artifacts)
        report_progress(store, _season_of(store, render_id), channel)
    return outcome


def _season_of(store: Store, render_id: int) -> int:
    """The season id of a render (read fresh; the worker's objects are detached)."""
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        return render.episode.season_id


def post_for_review(store: Store, render_id: int, channel: ReviewChannel,
                    artifacts: ArtifactStore | None = None) -> PostedMessage | None:
    """Upload the episode and post its approval card; flagged renders are posted with the flag, never silently.

    The card carries local files (fetched from the artifact store when the render was made on another machine),
    because the channel uploads them.
    """
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        season = render.episode.season
        if latest_render(render.episode) is not render:
            return None
        already = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id))
        if already is not None:
            return PostedMessage(channel_id=already.channel_id, ts=already.message_ts)
        card = build_card(session, render)
        refs = (render.video_path, render.cover_path)
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    card.video_path = resolve_ref(artifacts, refs[0]) or card.video_path
    card.cover_path = resolve_ref(artifacts, refs[1])
    posted = channel.post_for_review(thread, card)
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        session.add(ReviewMessage(render_id=render_id, channel_id=posted.channel_id, message_ts=posted.ts,
                                  thread_ts=thread.thread_ts))
        render.episode.status = EpisodeStatus.IN_REVIEW
        if render.episode.season.status == SeasonStatus.PRODUCING:
            render.episode.season.status = SeasonStatus.REVIEW
    return posted


def progress_text(store: Store, season_id: int) -> tuple[str, bool]:
    """"Rendering 3/8…" and whether the batch is finished."""
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        total = len(season.episodes)
        done = sum(1 for ep in season.episodes if (r := latest_render(ep)) is not None and r.status == "DONE")
        failed = sum(1 for ep in season.episodes if ep.status == EpisodeStatus.FAILED)
    bar = "▓" * done + "░" * (total - done)
    if done >= total:
        return f":clapper: All {total} episodes rendered {bar} — they're in the thread for review.", True
    extra = f" ({failed} failed — I'll retry)" if failed else ""
    return f":hourglass_flowing_sand: Rendering {done}/{total}… {bar}{extra}", False


def report_progress(store: Store, season_id: int, channel: ReviewChannel) -> None:
    """Edit the season's one progress message in place (or post it the first time)."""
    text, _finished = progress_text(store, season_id)
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        progress_ts = season.progress_ts
    if progress_ts:
        channel.update_text(PostedMessage(channel_id=thread.channel_id, ts=progress_ts), text)
        return
    posted = channel.say(thread, text)
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        season.progress_ts = posted.ts


def expired_renders(store: Store, now: datetime | None = None) -> list[int]:
    """RUNNING renders whose lease ran out (their worker died): the reaper re-enqueues them."""
    now = now or utcnow()
    with store.session() as session:
        return list(
            session.scalars(select(Render.id).where(Render.status == "RUNNING", Render.lease_until < now)).all()
        )
