"""Review-stage handlers: schedule, change notes on episodes, a change of lead (refused once production started).

Votes, batches, releases, spend and "post ep 3 again" are read before these, by the production line's own
deterministic parsers (agent/graph/nodes/review.py): approving and publishing are human decisions recorded by the
review services, never conversation actions.
"""

from __future__ import annotations

from agent.app import changes
from agent.graph.actions.step import Handler, Result, Step
from agent.services.review import open_change_requests
from agent.store.models import Season
from agent.understanding.actions import Action, ChangeLead, ReviseEpisodes


def schedule(step: Step, action: Action) -> Result:
    """Book release slots on the cadence the message states (over the brief's)."""
    from agent.graph.nodes.review import schedule_from_text

    schedule_from_text(step.ctx, step.season_id, step.text)  # per-platform times may sit in other clauses
    return Result(said=True, note="scheduled the releases")


def _pending(step: Step) -> tuple[list[int], int]:
    with step.ctx.app.store.session() as session:
        season = session.get_one(Season, step.season_id)
        pending = list(dict.fromkeys(episode.number for _r, episode in open_change_requests(session, season)))
        return pending, len(season.episodes)


def change_note(step: Step, action: Action) -> Result:
    """A change note for the episodes it names (else the one episode with changes requested); else ask which."""
    from agent.graph.nodes.review import EPISODE_REF, NOTE_PREFIX

    pending, total = _pending(step)
    numbers = list(action.episodes) if isinstance(action, ReviseEpisodes) else []
    if not numbers and (match := EPISODE_REF.search(action.clause)):
        numbers = [int(match.group(1))]
    if not numbers and len(pending) == 1:
        numbers = pending
    if not numbers:
        if action.kind != "revise_episodes" and not pending:
            return Result(refused="I couldn't tell what you meant")
        which = f" (changes are requested on {', '.join(f'Ep {n}' for n in pending)})" if pending else ""
        return Result(refused=f"I couldn't tell which episode this note is for{which} — start it with the episode, "
                              "e.g. \"Ep 3: make the ending darker\"")
    bad = [n for n in numbers if not 1 <= n <= total]
    if bad:
        return Result(refused=f"this season has episodes 1–{total}")
    note = NOTE_PREFIX.sub("", getattr(action, "note", "") or action.clause).strip() or action.clause
    for number in numbers:
        changes.request_change(step.ctx.app, season_id=step.season_id, number=number, user_id=step.ctx.user_id,
                               note=note, via="thread")
    return Result(said=True, note=f"asked for changes on {', '.join(f'Ep {n}' for n in numbers)}")


def change_lead(step: Step, action: Action) -> Result:
    """A new lead after production started is refused by the season service, with the reason."""
    from agent.graph.nodes.cast import change_lead as relock

    relock(step.ctx, step.state, action if isinstance(action, ChangeLead) else ChangeLead(clause=action.clause))
    return Result(said=True, note="looked at changing the lead")


HANDLERS: dict[str, Handler] = {"schedule": schedule, "revise_episodes": change_note, "unclear": change_note,
                                "change_lead": change_lead}
