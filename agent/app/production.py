"""Production commands from the thread: cancel rendering, render again, and "post ep N again" (a render whose
upload into the thread failed is posted once more — nobody can approve what they could not watch)."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from agent.app.events import Event, RendersQueued, Said
from agent.app.followups import deliver, prepare
from agent.context import AppContext
from agent.ports import Notice, Tone
from agent.services.approvals import latest_render
from agent.services.seasons import audit
from agent.store.models import ReviewMessage, Season

log = logging.getLogger(__name__)
POST_AGAIN = re.compile(r"\b(?:re-?post|post|upload)\s+(?:ep(?:isode)?\.?\s*)#?(\d{1,2})\s+again\b|"
                        r"\bre-?post\s+(?:ep(?:isode)?\.?\s*)#?(\d{1,2})\b", re.IGNORECASE)


def _finish(app: AppContext, events: list[Event]) -> list[Event]:
    with app.store.session() as session:
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def cancel_rendering(app: AppContext, *, season_id: int, actor: str) -> list[Event]:
    """Queued renders are cancelled (running ones finish)."""
    from agent.services.cancel import cancel_queued_renders

    done = cancel_queued_renders(app.store, season_id, actor)
    return _finish(app, [Said(season_id, Notice(template=done.text().replace("{", "{{").replace("}", "}}")))])


def render_again(app: AppContext, *, season_id: int, actor: str) -> list[Event]:
    """Queue every episode without a current render (after a cancel, or a failure), and ring the season's waiting
    cuts again: a QUEUED cut counts as current, but its doorbell may have died with a killed process."""
    from agent.services.production import plan_renders
    from agent.store.jobs import resumable_jobs

    ids = plan_renders(app.store, season_id)
    waiting = [i for i in resumable_jobs(app.store, season_id=season_id).renders if i not in ids]
    for render_id in [*ids, *waiting]:
        app.enqueue_render(render_id)
    if ids:
        with app.store.session() as session:
            audit(session, season_id, actor, "renders.queued_again", {"renders": ids})
    text = (f"Queued {len(ids)} render(s) again." if ids else
            f"Every episode has a current render; {len(waiting)} waiting were started again." if waiting
            else "Every episode already has a current render.")
    return _finish(app, [RendersQueued(season_id, tuple(ids), Notice(template=text))])


def parse_post_again(text: str) -> int | None:
    """"post ep 3 again" / "repost ep 3" → 3."""
    match = POST_AGAIN.search(text)
    return int(match.group(1) or match.group(2)) if match else None


def post_again(app: AppContext, *, season_id: int, number: int, actor: str) -> list[Event]:
    """Upload Ep `number`'s finished render and post its card, when it never reached the thread."""
    from agent.services import production

    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        episode = next((e for e in season.episodes if e.number == number), None)
        render = latest_render(episode) if episode is not None else None
        posted = render is not None and session.scalar(
            select(ReviewMessage.id).where(ReviewMessage.render_id == render.id)) is not None
        render_id, status = (render.id, render.status) if render is not None else (None, None)
        if render_id is not None:
            audit(session, season_id, actor, "render.repost_requested", {"episode": number, "render": render_id})
    if render_id is None:
        return _finish(app, [Said(season_id, Notice(template=f"Ep {number} has no render to post."))])
    if status != "DONE":
        return _finish(app, [Said(season_id, Notice(
            template=f"Ep {number} is still {str(status).lower()}; its card is posted here as soon as it finishes."))])
    if posted:
        return _finish(app, [Said(season_id, Notice(
            template=f"Ep {number}'s card is already in the thread — vote on it there."))])
    try:
        production.repost_render(app.store, render_id, app.channel, app.artifacts)  # retried with backoff
    except Exception as error:  # noqa: BLE001 - the channel's failure is reported in the thread, never lost
        log.warning("repost of render %s failed: %s", render_id, error)
        return _finish(app, [Said(season_id, Notice(
            template=f"I still couldn't upload Ep {number} ({{error}}). Say *post ep {number} again* in a minute.",
            values={"error": type(error).__name__}, tone=Tone.WARNING))])
    production.report_progress(app.store, season_id, app.channel)
    return _finish(app, [Said(season_id, Notice(template=f"Ep {number} is posted again — its card is just above.",
                                                tone=Tone.SUCCESS))])
