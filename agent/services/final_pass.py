"""Two passes: the animatic first, then the paid final render — only for an approved animatic.

Why the final render is just a newer cut of the same episode (a Render of kind "episode" whose `meta["pass"]` is
"final"): the one approval gate and the one publication ledger already treat the newest cut as the one to approve
and publish. So a final render needs its own approval before anything is published, and the publish path sends the
final cut when one exists (and only once it is approved) without a second pipeline. Its input hash differs from the
animatic's (the render cache never hands the animatic back as a "final"), and it remembers the animatic's hash, so
"render again" does not think the episode lacks a current cut.

The season setting `final_directly` waives the approved-animatic precondition (the final pass may be asked for as
soon as the scripts are locked); the spend gate still applies.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus, LeadLock
from agent.services.approvals import approved_render, latest_render
from agent.services.seasons import current_look, latest_script
from agent.store.db import Store
from agent.store.models import Episode, Render, Season

FINAL = "final"
ANIMATIC_LABEL, FINAL_LABEL = "Animatic", "Final render"
PUBLISHED_STATES = (EpisodeStatus.PUBLISHED,)


def is_final(render: Render) -> bool:
    """A cut of the final (generative) pass."""
    return (render.meta or {}).get("pass") == FINAL


def pass_label(render: Render) -> str:
    """"Animatic" or "Final render": what the card calls this cut."""
    return FINAL_LABEL if is_final(render) else ANIMATIC_LABEL


def final_hash(animatic_hash: str) -> str:
    """The final render's input hash: the animatic's inputs, re-made by the paid pass."""
    return hashlib.sha256(f"{animatic_hash}:final".encode()).hexdigest()


def animatic_hash(session: Session, season: Season, episode: Episode) -> str:
    """The episode's current inputs hash (what plan_renders would give its animatic)."""
    from agent.services.production import render_input_hash

    look = current_look(session, season)
    version, _script = latest_script(episode)
    lead = LeadLock.model_validate(season.lead)
    return render_input_hash(version.script, look.content_hash if look else "", lead.portrait_hash)


def why_not_eligible(session: Session, season: Season, episode: Episode) -> str:
    """'' when the episode may get a final render now, else why not (in words for the thread)."""
    if episode.status in PUBLISHED_STATES:
        return "already published"
    current = latest_render(episode)
    if current is not None and is_final(current) and current.status in ("QUEUED", "RUNNING", "DONE"):
        return "already has a final render"
    if season.final_directly:
        return ""
    if current is None or current.status != "DONE":
        return "its animatic isn't finished"
    if approved_render(session, episode) is None:
        return "its animatic isn't approved yet"
    return ""


def eligible(session: Session, season: Season, numbers: list[int] | None = None
             ) -> tuple[list[int], dict[int, str]]:
    """(episodes that may get a final render, {episode: why not} for the others that were asked for)."""
    ready: list[int] = []
    skipped: dict[int, str] = {}
    for episode in season.episodes:
        if numbers is not None and episode.number not in numbers:
            continue
        reason = why_not_eligible(session, season, episode)
        if reason:
            skipped[episode.number] = reason
        else:
            ready.append(episode.number)
    if numbers is not None:
        known = {e.number for e in season.episodes}
        skipped.update({n: "no such episode" for n in numbers if n not in known})
    return ready, skipped


def sample_render_ids(store: Store, season_id: int, numbers: list[int]) -> dict[int, int]:
    """For an estimate: each episode's newest render (its inputs are what the final pass re-makes)."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        out = {}
        for episode in season.episodes:
            render = latest_render(episode)
            if episode.number in numbers and render is not None:
                out[episode.number] = render.id
        return out


def plan_final_renders(store: Store, season_id: int, numbers: list[int], estimate_id: int) -> list[int]:
    """QUEUED final renders for these episodes (those still eligible), paid by `estimate_id`; their ids."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        look = current_look(session, season)
        ids = []
        for episode in season.episodes:
            if episode.number not in numbers or why_not_eligible(session, season, episode):
                continue
            version, _script = latest_script(episode)
            digest = animatic_hash(session, season, episode)
            render = Render(episode=episode, script_version_id=version.id, look_id=look.id if look else None,
                            input_hash=final_hash(digest),
                            meta={"pass": FINAL, "animatic_hash": digest, "estimate_id": estimate_id})
            session.add(render)
            episode.status = EpisodeStatus.RENDERING
            session.flush()
            ids.append(render.id)
        return ids


def _restore_status(session: Session, episode: Episode) -> None:
    """After a final render was dropped: the episode is as its (now newest) animatic left it."""
    current = latest_render(episode)
    if current is None:
        episode.status = EpisodeStatus.SCRIPTED
    elif approved_render(session, episode) is not None:
        episode.status = EpisodeStatus.APPROVED
    elif current.status == "DONE":
        episode.status = EpisodeStatus.IN_REVIEW
    else:
        episode.status = EpisodeStatus.RENDERING


def drop_final(store: Store, render_id: int) -> int | None:
    """Remove a final render that will never be made (its spend was cancelled); returns its episode number.

    Nothing of it reached the thread, so nobody loses a vote; the approved animatic is the episode's cut again.
    """
    with store.session() as session:
        render = session.get(Render, render_id)
        if render is None or not is_final(render) or render.status == "DONE":
            return None
        episode = render.episode
        session.delete(render)
        session.flush()
        session.expire(episode)
        _restore_status(session, episode)
        return episode.number


def drop_queued_finals(store: Store, estimate_id: int) -> list[int]:
    """Cancellation mid-season: final renders of this estimate that have not started are dropped (nothing more is
    spent on them); running ones stop at their next paid call. Returns the episode numbers dropped."""
    with store.session() as session:
        ids = [r.id for r in session.scalars(select(Render).where(Render.status == "QUEUED"))
               if is_final(r) and (r.meta or {}).get("estimate_id") == estimate_id]
    return [n for n in (drop_final(store, i) for i in ids) if n is not None]
