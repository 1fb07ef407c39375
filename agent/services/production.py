"""Production: turn a locked season into render jobs, run one job safely, and post the result for review.

The database is the ledger and the queue only the doorbell (DESIGN.md §6): a render row carries its state and a
lease; claiming is a conditional UPDATE (agent/store/jobs.py, shared with campaign assets), so two workers (or a
re-enqueued job after a crash) never render twice, and the input hash makes an unchanged re-render a cache hit.

A finished render is reviewable only once its card is in the thread (a ReviewMessage row). Posting is retried with
backoff; when the upload still fails the render stays finished-but-not-posted, the thread is told how to get it
("post ep N again" → `repost`), and the progress message counts only what really is in the thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from tenacity import Retrying, stop_after_attempt, wait_exponential

from agent.artifacts import LocalArtifactStore, artifact_key, resolve_ref
from agent.domain import EpisodeStatus, LeadLock, LookSpec, SeasonStatus
from agent.ports import (
    ArtifactStore,
    Notice,
    PostedMessage,
    RenderOutput,
    RenderRequest,
    ReviewChannel,
    ThreadRef,
    Tone,
    VideoBackend,
)
from agent.redaction import redact
from agent.services.approvals import latest_render
from agent.services.render_inputs import localise
from agent.services.review import build_card
from agent.services.seasons import SeasonError, audit, current_bible, current_look, latest_script
from agent.store.db import Store
from agent.store.jobs import LEASE, claim_job, expired_jobs, fail_job, worker_identity
from agent.store.models import EPISODE, Episode, Render, ReviewMessage, Season, utcnow

log = logging.getLogger(__name__)
POST_ATTEMPTS = 3  # uploading the card: a few tries with backoff before telling the thread
POST_WAIT = wait_exponential(multiplier=0.5, max=8)  # 0.5 s, 1 s, … (tests may shorten it)
POSTING_STALE = timedelta(minutes=10)  # a posting claim this old belongs to a process that died mid-upload


def render_input_hash(script: dict, look_hash: str, lead_hash: str) -> str:
    """Content hash of (script version × look version × lead lock): same inputs → same file."""
    blob = json.dumps({"script": script, "look": look_hash, "lead": lead_hash}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def product_input(season: Season) -> str:
    """The attached product image as a render input (issue 13 §4): '' while the pack is drawn, so renders made
    before any attachment keep their hashes."""
    return f"+product:{season.product_image}" if season.product_image else ""


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
            digest = render_input_hash(version.script, look.content_hash + product_input(season), lead.portrait_hash)
            current = latest_render(episode)
            current_inputs = (current.meta or {}).get("animatic_hash", current.input_hash) if current else None
            if current is not None and current_inputs == digest and current.status in ("QUEUED", "RUNNING", "DONE"):
                continue  # a final render of the same inputs counts as current too
            render = Render(episode=episode, script_version_id=version.id, look_id=look.id, input_hash=digest)
            session.add(render)
            episode.status = EpisodeStatus.RENDERING
            session.flush()
            ids.append(render.id)
        if ids:
            season.status = SeasonStatus.PRODUCING
        return ids


def claim(store: Store, render_id: int, now: datetime | None = None) -> bool:
    """Atomically take a render: QUEUED, or RUNNING with an expired lease (its worker died) — the one job claim."""
    return claim_job(store, render_id, now, LEASE)


def find_cached(store: Store, render: Render, artifacts: ArtifactStore | None = None) -> Render | None:
    """A finished render of the same inputs whose file is still in the artifact store (any machine may have made it)."""
    with store.session() as session:
        for other in session.scalars(
            select(Render).where(Render.input_hash == render.input_hash, Render.kind == EPISODE, Render.status == "DONE",
                                 Render.id != render.id)
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


def store_contact_sheet(artifacts: ArtifactStore, output: RenderOutput, request: RenderRequest,
                        artifacts_dir: Path) -> str | None:
    """Put the storyboard contact sheet (issue 13 §7) beside the cut, keyed like the cover; None when the backend
    made none. Its reference lives in the render's `meta` (no column: only the card reads it)."""
    sheet = getattr(output, "contact_sheet_path", None)
    if sheet is None or not Path(sheet).exists():
        return None
    return artifacts.put(Path(sheet), artifact_key(request.out_dir / Path(sheet).name, artifacts_dir))


RENDER_META = ("contact_sheet_path", "storyboard", "windows")  # what a cache hit carries over from the render


def render_meta(sheet_ref: str | None, output: RenderOutput) -> dict:
    """The render's storyboard facts for its meta: the contact sheet's reference and the shots the renderer really
    used (a per-shot note edits those, the ones the reviewer saw on the sheet — issue 13 §7)."""
    board = getattr(output, "storyboard", None)
    meta: dict = {"contact_sheet_path": sheet_ref} if sheet_ref else {}
    if board is not None:
        meta["storyboard"] = board.model_dump(mode="json")
    if output.windows:  # where each shot and the end card sit in this file (the teaser cuts by them)
        meta["windows"] = {name: [float(a), float(b)] for name, (a, b) in output.windows.items()}
    return meta


def build_request(store: Store, render_id: int, out_root: Path, preset: str,
                  artifacts: ArtifactStore | None = None) -> RenderRequest:
    """Everything the backend needs, read once from the database, with its input files on local disk."""
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        episode = render.episode
        season = episode.season
        script_row = next(v for v in episode.scripts if v.id == render.script_version_id)
        from agent.brain.storyboard import drama_fields
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
            season_id=season.id,  # issue 14: a paid backend finds the approved spend covering this season
            product_image_path=_local_str(artifacts, season.product_image),  # issue 13 §4: None → a drawn pack
            **drama_fields(season.brief, season.arc, script_row.script),  # issue 13: storyboard, cast, places
        )


def _local_str(artifacts: ArtifactStore | None, ref: str | None) -> str | None:
    local = resolve_ref(artifacts, ref)
    return str(local) if local is not None else None


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
    final_backend: Callable[[], VideoBackend] | None = None,
) -> str:
    """Run one render job end to end; returns what happened ("done", "cached", "skipped", "cancelled").

    The backend renders into `artifacts_dir` on this machine; the files then go into `artifacts` (default: that same
    folder, so nothing moves) and the row keeps their references. A final-pass render (agent.services.final_pass)
    is made by `final_backend` (built on first use); its card facts (pass, identity, spend) join the report, and a
    final render whose spend was cancelled is dropped, so the approved animatic stays the episode's cut.
    """
    from agent.services import final_pass, spend

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
                "extra_meta": {k: v for k, v in (cached.meta or {}).items() if k in RENDER_META},
            }
        else:
            outcome = "done"
            request = build_request(store, render_id, artifacts_dir, preset, artifacts)
            chosen = backend
            if final_pass.is_final(render):
                try:
                    if final_backend is None:
                        raise ValueError("no final-pass backend is wired into this worker")
                    chosen = final_backend()
                except ValueError as error:  # not set up: dropped and said, like a cancelled spend
                    raise spend.SpendError(f"the final render isn't set up here ({error}).") from error
            output = chosen.render(request)
            report = continuity(request, output)  # on the local files, before they leave this machine
            facts = getattr(output, "card_facts", None)
            if callable(facts):
                report = {**report, **facts()}  # pass label, identity lines, flag, spend, estimate
            values = dict(
                **store_output(artifacts, output, request, artifacts_dir), file_hash=output.file_hash,
                duration_s=output.duration_s, width=output.width, height=output.height, report=report,
                extra_meta=render_meta(store_contact_sheet(artifacts, output, request, artifacts_dir), output),
            )
    except spend.SpendError as exc:
        if not final_pass.is_final(render):
            raise
        number = final_pass.drop_final(store, render_id)  # cancelled mid-season: nothing more is spent
        log.warning("final render %s dropped: %s", render_id, exc)
        if channel is not None and number is not None:
            _tell_season(store, _season_id_of_episode(store, render.episode_id), channel, Notice(
                template=f"Ep {number}'s final render stopped: {{reason}} Its approved animatic stays its cut.",
                values={"reason": str(exc)}, tone=Tone.WARNING))
        return "cancelled"
    except Exception as exc:  # the job must record why it failed, then let the queue retry
        log.exception("render %s failed", render_id)
        with store.session() as session:
            row = session.get(Render, render_id)
            assert row is not None
            if fail_job(row, exc):  # attempts left: QUEUED again, the queue's retry claims it
                row.episode.status = EpisodeStatus.FAILED
        raise
    with store.session() as session:
        row = session.get(Render, render_id)
        assert row is not None
        extra = values.pop("extra_meta", None) or {}
        for key, value in values.items():
            setattr(row, key, value)
        if extra:
            row.meta = {**(row.meta or {}), **extra}
        row.status = "DONE"
        row.finished_at = utcnow()
        row.lease_until = None
        row.episode.status = EpisodeStatus.RENDERED
        number = row.episode.number
    if isinstance((values.get("report") or {}).get("estimate_id"), int) and outcome == "done":
        spend.attach_render(store, values["report"]["estimate_id"], number, render_id)
    if channel is not None:
        try:
            post_for_review(store, render_id, channel, artifacts)
        except Exception as exc:  # noqa: BLE001 — the render is done; the thread is told how to get its card
            post_failed(store, render_id, channel, exc)
        report_progress(store, _season_of(store, render_id), channel)
    return outcome


def _season_id_of_episode(store: Store, episode_id: int) -> int:
    with store.session() as session:
        return session.get_one(Episode, episode_id).season_id


def _tell_season(store: Store, season_id: int, channel: ReviewChannel, notice: Notice) -> None:
    """One note in the season's thread (never raises: the job's outcome is already recorded)."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    try:
        channel.say(thread, notice)
    except Exception:
        log.exception("could not tell season %s", season_id)


def _season_of(store: Store, render_id: int) -> int:
    """The season id of a render (read fresh; the worker's objects are detached)."""
    with store.session() as session:
        render = session.get(Render, render_id)
        assert render is not None
        return render.episode.season_id


def _take_for_posting(store: Store, render_id: int) -> str | None:
    """Claim the render's card for posting (conditional UPDATE on card_ts); None when someone else holds it.

    The claim keeps two posters (a worker and a "post ep N again") from uploading the same cut twice; a claim left by
    a process that died mid-upload goes stale after POSTING_STALE.
    """
    marker = f"posting:{int(time.time())}:{worker_identity()}:{uuid.uuid4().hex[:12]}"  # a restart frees a dead one
    stale = f"posting:{int(time.time() - POSTING_STALE.total_seconds())}:"
    with store.session() as session:
        taken = session.execute(update(Render).where(Render.id == render_id, or_(
            Render.card_ts.is_(None), Render.card_ts.like("posting:%") & (Render.card_ts < stale)))
            .values(card_ts=marker).execution_options(synchronize_session=False))
        return marker if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def _post_once(store: Store, render_id: int, channel: ReviewChannel,
               artifacts: ArtifactStore | None) -> PostedMessage | None:
    """One attempt: upload the episode and post its card; the ReviewMessage row is written only after it worked."""
    with store.session() as session:
        render = session.get_one(Render, render_id)
        season = render.episode.season
        if latest_render(render.episode) is not render:
            return None
        already = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id))
        if already is not None:
            return PostedMessage(channel_id=already.channel_id, ts=already.message_ts)
        card = build_card(session, render)
        refs = (render.video_path, render.cover_path, (render.meta or {}).get("contact_sheet_path"))
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    marker = _take_for_posting(store, render_id)
    if marker is None:
        return None  # another poster is uploading it right now
    try:
        card.video_path = resolve_ref(artifacts, refs[0]) or card.video_path
        card.cover_path = resolve_ref(artifacts, refs[1])
        card.contact_sheet_path = resolve_ref(artifacts, refs[2])
        posted = channel.post_for_review(thread, card)
    except BaseException:
        with store.session() as session:
            session.execute(update(Render).where(Render.id == render_id, Render.card_ts == marker)
                            .values(card_ts=None))
        raise
    with store.session() as session:
        render = session.get_one(Render, render_id)
        render.card_ts = posted.ts
        session.add(ReviewMessage(render_id=render_id, channel_id=posted.channel_id, message_ts=posted.ts,
                                  thread_ts=thread.thread_ts, kind=render.kind))
        if render.episode.status in (EpisodeStatus.RENDERED, EpisodeStatus.RENDERING):
            render.episode.status = EpisodeStatus.IN_REVIEW
        if render.episode.season.status == SeasonStatus.PRODUCING:
            render.episode.season.status = SeasonStatus.REVIEW
    return posted


def post_for_review(store: Store, render_id: int, channel: ReviewChannel,
                    artifacts: ArtifactStore | None = None) -> PostedMessage | None:
    """Upload the episode and post its approval card, retrying with backoff; flagged renders are posted with the
    flag, never silently. Raises the last error when every attempt failed (the render stays not-posted).

    The card carries local files (fetched from the artifact store when the render was made on another machine),
    because the channel uploads them. None when the render is superseded or another poster holds it.
    """
    for attempt in Retrying(stop=stop_after_attempt(POST_ATTEMPTS), wait=POST_WAIT, reraise=True):
        with attempt:
            if attempt.retry_state.attempt_number > 1:
                log.warning("posting render %s again (attempt %s)", render_id, attempt.retry_state.attempt_number)
            return _post_once(store, render_id, channel, artifacts)
    return None  # unreachable: Retrying either returns or re-raises


repost_render = post_for_review  # "post ep N again": the same retrying upload


def post_failed(store: Store, render_id: int, channel: ReviewChannel, error: BaseException) -> None:
    """The upload failed after every retry: audit it (redacted) and tell the thread how to get the card."""
    with store.session() as session:
        render = session.get_one(Render, render_id)
        episode, season = render.episode, render.episode.season
        number = episode.number
        audit(session, season.id, "cliffhanger", "render.post_failed",
              {"render": render_id, "episode": number, "error": redact(f"{type(error).__name__}: {error}")[:500]})
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    log.warning("render %s (Ep %s) rendered but its card could not be posted: %s", render_id, number,
                type(error).__name__)
    try:
        channel.say(thread, Notice(template=f"Ep {number} rendered but I couldn't upload it — say "
                                            f"*post ep {number} again*.", tone=Tone.WARNING))
    except Exception:
        log.exception("could not tell season %s that Ep %s is not posted", season.id, number)


def repost(store: Store, channel: ReviewChannel, episode_id: int,
           artifacts: ArtifactStore | None = None) -> PostedMessage | None:
    """"post ep N again": post the episode's latest finished render whose card never reached the thread.

    Returns the card's message (also when it was already posted), None when there is nothing finished to post;
    raises the channel's error when the upload still fails (the caller says so).
    """
    with store.session() as session:
        episode = session.get_one(Episode, episode_id)
        render = latest_render(episode)
        if render is None or render.status != "DONE":
            return None
        render_id = render.id
    return post_for_review(store, render_id, channel, artifacts)


def posted_render_ids(store: Store, season_id: int) -> set[int]:
    """Ids of the season's episode renders whose card is in the thread."""
    with store.session() as session:
        return set(session.scalars(select(ReviewMessage.render_id).join(Render, Render.id == ReviewMessage.render_id)
                                   .join(Episode, Episode.id == Render.episode_id)
                                   .where(Episode.season_id == season_id, Render.kind == EPISODE)))


def progress_text(store: Store, season_id: int) -> tuple[Notice, bool]:
    """"Rendering 3/8…" and whether the batch is finished — counting only episodes whose card is in the thread."""
    posted = posted_render_ids(store, season_id)
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        total = len(season.episodes)
        latest = [latest_render(ep) for ep in season.episodes]
        in_thread = sum(1 for r in latest if r is not None and r.status == "DONE" and r.id in posted)
        stranded = sorted(ep.number for ep, r in zip(season.episodes, latest, strict=True)
                          if r is not None and r.status == "DONE" and r.id not in posted)
        failed = sum(1 for ep in season.episodes if ep.status == EpisodeStatus.FAILED)
    bar = "▓" * in_thread + "░" * (total - in_thread)
    if in_thread >= total:
        return Notice(template=f"All {total} episodes rendered {bar} — they're in the thread for review.",
                      tone=Tone.DONE), True
    extra = f" ({failed} failed — I'll retry)" if failed else ""
    if stranded:
        eps = ", ".join(f"Ep {n}" for n in stranded)
        extra += (f" ({eps} rendered but not in the thread yet — say *post ep {stranded[0]} again*)")
    return Notice(template=f"Rendering — {in_thread}/{total} in the thread for review {bar}{extra}",
                  tone=Tone.PROGRESS), False


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
    """RUNNING episode renders whose lease ran out (their worker died): the reaper re-enqueues them."""
    return expired_jobs(store, now, episodes=True)
