"""A per-shot change request, end to end (issue 13 §7): "ep 3 shot 4: close-up on Ronan instead".

The reviewer looks at an episode's contact sheet and asks for one shot to change. The note is checked against the
shots that episode's cut really used (the script version's stored shots, else the storyboard its render recorded)
before anything is recorded, so a note that names no shot, a shot that doesn't exist, or asks for nothing drawable
gets its reason at once. Then, like any change request: the :-1: is recorded on the newest cut, the edited shots are
saved as a new script version (`attach_storyboard`: the script's words are unchanged), and only that episode is
re-rendered — the renderer draws the stored shots as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.app.events import ChangesRequested, Event, RendersQueued
from agent.app.votes import vote_on_episode, vote_on_render
from agent.brain.storyboard import (
    attach_storyboard,
    is_narrator,
    season_locations,
    storyboard_of,
    validate_storyboard,
)
from agent.brain.storyboard_notes import SHOT_REF, ShotNoteError, apply_shot_note
from agent.context import AppContext
from agent.domain import Arc, EpisodeScript, Storyboard
from agent.ports import Notice, ThreadRef, Tone
from agent.services import seasons
from agent.services.production import plan_renders
from agent.services.revisions import ChangeScope, plan_rerender, redo_plan
from agent.store.models import EPISODE, Episode, Render, ScriptVersion, Season


def names_a_shot(note: str) -> bool:
    """Whether a change note is about one shot ("shot 4: …"), so it is edited in the storyboard, not re-written."""
    return SHOT_REF.search(note) is not None


@dataclass(frozen=True)
class ShotEdit:
    """One episode's storyboard with the note applied, and the sentence saying what changed."""

    number: int
    board: Storyboard
    said: str


def current_storyboard(episode: Episode) -> Storyboard | None:
    """The shots the episode's current script version is drawn with: stored in the version, else the storyboard
    the newest render of that version recorded (what the reviewer saw on its contact sheet); None before any."""
    version = episode.scripts[-1] if episode.scripts else None
    if version is None:
        return None
    stored = storyboard_of(version.script)
    if stored is not None:
        return stored
    renders = [r for r in episode.renders if r.kind == EPISODE and r.script_version_id == version.id]
    for render in sorted(renders, key=lambda r: r.id, reverse=True):
        raw = (render.meta or {}).get("storyboard")
        if raw:
            return Storyboard.model_validate(raw)
    return None


def plan_shot_edit(app: AppContext, season_id: int, number: int, note: str) -> ShotEdit:
    """The edit a shot note asks for on Ep `number`; ShotNoteError (its message is for people) when it can't."""
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        episode = next((e for e in season.episodes if e.number == number), None)
        if episode is None:
            raise ShotNoteError(f"there is no Ep {number} in this season")
        board = current_storyboard(episode)
        if board is None:
            raise ShotNoteError(f"Ep {number} has no shots to change yet — its storyboard is drawn when it renders")
        script = EpisodeScript.model_validate(episode.scripts[-1].script)
        arc = Arc.model_validate(season.arc) if season.arc else None
        lead = str((season.lead or {}).get("name") or "")
    cast = list(dict.fromkeys([*(n for s in board.shots for n in s.names),
                               *(ln.speaker for s in board.shots for ln in s.lines if not is_narrator(ln.speaker)),
                               *((c.name for c in arc.cast) if arc else ()), *([lead] if lead else [])]))
    places = list(dict.fromkeys([*(s.location for s in board.shots),
                                 *((loc.key for loc in season_locations(arc)) if arc else ())]))
    new, said = apply_shot_note(board, note, cast, places)
    broken = [p for p in validate_storyboard(new, script) if p not in validate_storyboard(board, script)]
    if broken:
        raise ShotNoteError(f"that would break the episode's format ({'; '.join(broken)}) — try another change")
    return ShotEdit(number, new, said)


def _where(app: AppContext, render_id: int | None, season_id: int | None, number: int | None
           ) -> tuple[int, int] | None:
    if render_id is None:
        return (season_id, number) if season_id is not None and number is not None else None
    with app.store.session() as session:
        render = session.get(Render, render_id)
        return (render.episode.season_id, render.episode.number) if render is not None else None


def request_shot_change(app: AppContext, *, user_id: str, note: str, via: str, render_id: int | None = None,
                        season_id: int | None = None, number: int | None = None) -> list[Event]:
    """Check the shot note, record the change request on the cut, then save the edited shots and re-render only
    that episode. A note that can't be applied is answered with why, and nothing is recorded."""
    where = _where(app, render_id, season_id, number)
    if where is None:
        return []
    season_id, number = where
    thread = _thread(app, season_id)
    try:
        edit = plan_shot_edit(app, season_id, number, note)
    except ShotNoteError as error:
        app.channel.say(thread, Notice(template=f"Ep {number}: {{reason}}.", values={"reason": str(error)},
                                       tone=Tone.WARNING))
        return []
    if render_id is not None:
        events = vote_on_render(app, render_id=render_id, user_id=user_id, approve=False, via=via, note=note)
    else:
        events = vote_on_episode(app, season_id=season_id, number=number, user_id=user_id, approve=False, via=via,
                                 note=note)
    if not any(isinstance(e, ChangesRequested) for e in events):
        return events  # refused (not an approver, not in review…): the vote use case has said why
    return events + apply_shot_edit(app, season_id=season_id, edit=edit, note=note, actor=user_id)


def apply_shot_edit(app: AppContext, *, season_id: int, edit: ShotEdit, note: str, actor: str) -> list[Event]:
    """Save the edited shots as the episode's new script version and queue a re-render of that episode only."""
    from agent.app.changes import supersede_and_resolve

    number = edit.number
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        episode = next(e for e in season.episodes if e.number == number)
        latest = episode.scripts[-1]
        episode.scripts.append(ScriptVersion(version=latest.version + 1, note=f"shot note: {note}",
                                             script=attach_storyboard(latest.script, edit.board)))
        seasons.audit(session, season_id, actor, "episode.shot_changed",
                      {"episode": number, "note": note, "change": edit.said})
        duration = next((r.duration_s for r in reversed(episode.renders) if r.duration_s), None) or edit.board.total_s
    plan = redo_plan(ChangeScope.LOOK, number, duration)
    app.channel.say(_thread(app, season_id), Notice(
        template=f"Ep {number} {{change}} — re-rendering Ep {number} only, same script (about {plan.eta_s} s). "
                 "The new version gets its own card and needs a fresh approval.",
        values={"change": edit.said}, tone=Tone.PROGRESS))
    render_ids = plan_renders(app.store, season_id, [number]) or [plan_rerender(app.store, season_id, number)]
    events: list[Event] = [supersede_and_resolve(app, season_id, number, note, ChangeScope.LOOK),
                           RendersQueued(season_id, tuple(render_ids))]
    for render_id in render_ids:
        app.enqueue_render(render_id)
    return events


def _thread(app: AppContext, season_id: int) -> ThreadRef:
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        return ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
