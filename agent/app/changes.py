"""Request a change, end to end: record it (same gate as a :-1:), say what will be redone and about how long it
takes, then re-write and/or re-render — whether the note came from the modal, a reply in the thread or the terminal.

Before, the modal recorded the request and then invented a chat message ("Ep 3: …") so the conversation would run
the redo; now the redo is this use case and every entry point calls it directly.
"""

from __future__ import annotations

from agent.app.events import CardsChanged, ChangesRequested, Event, RendersQueued
from agent.app.followups import deliver, prepare
from agent.app.shots import names_a_shot, request_shot_change
from agent.app.votes import vote_on_episode, vote_on_render
from agent.context import AppContext
from agent.domain import Arc
from agent.ports import ThreadRef
from agent.services import seasons
from agent.services.approvals import latest_render
from agent.services.production import plan_renders
from agent.services.review import older_posted_renders, open_requests_of_episode
from agent.services.revisions import ChangeScope, classify_scope, plan_rerender, redo_plan
from agent.store.models import Render, Season, utcnow


def request_change(app: AppContext, *, user_id: str, note: str, via: str, render_id: int | None = None,
                   season_id: int | None = None, number: int | None = None) -> list[Event]:
    """Record a change request on a render (modal) or an episode's newest render (typed), then redo when a note
    says what to change. An episode not rendered yet takes the note as a plain script revision. A note naming a
    shot ("shot 4: close-up on Ronan instead") edits that shot of the storyboard instead (agent.app.shots)."""
    if names_a_shot(note):
        return request_shot_change(app, user_id=user_id, note=note, via=via, render_id=render_id,
                                   season_id=season_id, number=number)
    if render_id is not None:
        events = vote_on_render(app, render_id=render_id, user_id=user_id, approve=False, via=via, note=note)
    else:
        assert season_id is not None and number is not None
        with app.store.session() as session:
            season = session.get(Season, season_id)
            episode = next((e for e in season.episodes if e.number == number), None) if season else None
            rendered = episode is not None and latest_render(episode) is not None
        if not rendered:
            return redo(app, season_id=season_id, number=number, note=note, actor=user_id)
        events = vote_on_episode(app, season_id=season_id, number=number, user_id=user_id, approve=False, via=via,
                                 note=note)
    requested = next((e for e in events if isinstance(e, ChangesRequested)), None)
    if requested is None or not note.strip():
        return events
    return events + redo(app, season_id=requested.season_id, number=requested.episode, note=note, actor=user_id)


def _thread(app: AppContext, season_id: int) -> ThreadRef:
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        return ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)


def redo(app: AppContext, *, season_id: int, number: int, note: str, actor: str) -> list[Event]:
    """Announce the scoped redo (what and about how long), then re-write and/or re-render Ep `number`."""
    from agent.graph.replies import revision_summary

    thread = _thread(app, season_id)
    reading = classify_scope(note)
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        arc = Arc.model_validate(season.arc)
        bible = seasons.current_bible(session, season)
        episode = next(e for e in season.episodes if e.number == number)
        current = latest_render(episode)
        duration = (current.duration_s if current and current.duration_s else
                    arc.episodes[number - 1].estimated_duration_s)
    plan = redo_plan(reading.scope, number, duration)
    app.channel.say(thread, plan.announce())
    render_ids: list[int] = []
    if reading.scope == ChangeScope.SCRIPT:
        before = arc.episodes[number - 1]
        after = app.brain.revise_episode(arc, number, note, bible)
        new_arc = arc.model_copy(update={"episodes": [after if e.number == number else e for e in arc.episodes]})
        with app.store.session() as session:
            season = session.get_one(Season, season_id)
            seasons.save_arc(session, season, new_arc)
            seasons.audit(session, season_id, actor, "episode.revised",
                          {"episode": number, "note": note, "scope": reading.scope.value})
        render_ids = plan_renders(app.store, season_id, [number])
        app.channel.say(thread, revision_summary(before, after) + f"\nRe-rendering Ep {number} now; the new version "
                                "will be posted here and needs a fresh approval.")
    if not render_ids:  # look/voice change, or a rewrite that left the render inputs identical
        render_ids = [plan_rerender(app.store, season_id, number)]
        with app.store.session() as session:
            seasons.audit(session, season_id, actor, "episode.rerender",
                          {"episode": number, "note": note, "scope": reading.scope.value})
        if reading.scope != ChangeScope.SCRIPT:
            app.channel.say(thread, f"Ep {number} queued: {plan.what}. The new version will be posted here and "
                                    "needs a fresh approval.")
    events: list[Event] = [supersede_and_resolve(app, season_id, number, note, reading.scope),
                           RendersQueued(season_id, tuple(render_ids))]
    for render_id in render_ids:
        app.enqueue_render(render_id)
    return events


def supersede_and_resolve(app: AppContext, season_id: int, number: int, note: str, scope: ChangeScope) -> Event:
    """Resolve the episode's open change requests and mark its older cards superseded (they can't be voted on)."""
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        episode = next(e for e in season.episodes if e.number == number)
        for request in open_requests_of_episode(session, episode):
            request.resolved_at = utcnow()
            request.note = request.note or note
            request.scope = scope.value if request.scope == "pending" else request.scope
        event = CardsChanged(season_id, tuple(older_posted_renders(session, episode)))
        delivery = prepare(session, [event])
    deliver(app, delivery)
    return event


def render_title(app: AppContext, render_id: int) -> str | None:
    """"Ep 3 · Night Shift" for the modal's title (None when the render is gone)."""
    with app.store.session() as session:
        render = session.get(Render, render_id)
        return f"Ep {render.episode.number} · {render.episode.title}" if render is not None else None
