"""Record a vote, whatever way it arrives: a reaction, a button, the change modal, a typed `:+1: 3` (terminal) or a
note typed in the thread. One database session records it and reads what the follow-ups need; then the one
follow-up step runs. Returns the domain events for the entry point to render.

The gate itself (approvers, superseded cuts, unfinished renders and cards that never reached the thread, quorum,
roles, audit) is `agent.services.review`; this layer turns its decisions into events, so every entry point
reports a refusal the same way (privately, with the reason) and an approval taken back after publication is
answered in the thread.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from agent.app import wording
from agent.app.events import (
    Approved,
    CampaignVoted,
    ChangesRequested,
    Event,
    VoteCounted,
    VoteRefused,
    Withdrawn,
    WithdrawnAfterPublish,
)
from agent.app.followups import DONE_STATES, deliver, prepare
from agent.context import AppContext
from agent.ports import Notice
from agent.services.approvals import latest_render
from agent.services.review import Decision, Outcome, handle_reaction, vote, withdraw
from agent.store.models import EPISODE, Render, Season

TYPED_VOTE = re.compile(r"^\s*:(\+1|thumbsup|-1|thumbsdown)(?:::skin-tone-\d)?:\s*(?:on\s+)?"
                        r"(?:ep(?:isode)?\.?\s*)?#?(\d{1,2})\s*[.!]?\s*$", re.IGNORECASE)
REFUSALS = {Outcome.NOT_APPROVER: "not_approver", Outcome.SUPERSEDED: "superseded",
            Outcome.ALREADY_PUBLISHED: "already_published", Outcome.NOT_READY: "not_ready"}


def parse_typed_vote(text: str) -> tuple[bool, int] | None:
    """A vote typed as text — `:+1: 3`, `:-1: ep 3`, any thumbs spelling or skin tone (a terminal, or a Slack
    reply) → (approve, episode); None for anything else."""
    match = TYPED_VOTE.match(text)
    return (match.group(1).lower() in ("+1", "thumbsup"), int(match.group(2))) if match else None


def events_of(session: Session, decision: Decision, voter: str, via: str, *, removal: bool = False) -> list[Event]:
    """The domain events of one gate decision (read in the session that recorded it)."""
    if decision.outcome == Outcome.IGNORED or decision.season_id is None or decision.render_id is None:
        return []
    if decision.kind != EPISODE:  # a campaign asset: same gate, its own messages
        return [CampaignVoted(decision.season_id, voter, decision.outcome.value,
                              tuple(decision.refresh_cards or decision.render_ids), tuple(decision.enqueue),
                              _refusal_text(decision) if decision.message or decision.notice else None,
                              decision.outcome in REFUSALS)]
    season_id, render_id, number = decision.season_id, decision.render_id, decision.episode_number or 0
    render = session.get(Render, render_id)
    if decision.outcome == Outcome.ALREADY_PUBLISHED and removal:  # the gate audited it; the thread is told
        return [WithdrawnAfterPublish(season_id, render_id, number, voter, via)]
    if decision.outcome in REFUSALS:
        return [VoteRefused(season_id, number, voter, REFUSALS.get(decision.outcome, decision.outcome.value),
                            _refusal_text(decision), render_id)]
    if decision.outcome == Outcome.APPROVED:
        episode_id = render.episode_id if render is not None else 0
        return [Approved(season_id, render_id, number, voter, via, episode_id)]
    if decision.outcome == Outcome.COUNTED:
        return [VoteCounted(season_id, render_id, number, voter, via)]
    if decision.outcome == Outcome.CHANGES_REQUESTED:
        return [ChangesRequested(season_id, render_id, number, voter, via, decision.note)]
    if decision.outcome == Outcome.WITHDRAWN:
        still = render is not None and render.episode.status in DONE_STATES
        return [Withdrawn(season_id, render_id, number, voter, via, still)]
    if decision.message:  # an outcome this layer doesn't know yet: still tell the person why
        return [VoteRefused(season_id, number, voter, decision.outcome.value, _refusal_text(decision), render_id)]
    return []


def _refusal_text(decision: Decision) -> Notice:
    """The gate's reason, with people as references (the gate is the one place that words a refusal)."""
    if decision.notice is not None:  # the gate's own Notice (people already as references)
        return decision.notice
    return wording.notice_of(decision, f"Your vote on Ep {decision.episode_number} wasn't recorded.")


def record_reaction(app: AppContext, *, channel_id: str, ts: str, user_id: str, reaction: str,
                    added: bool) -> list[Event]:
    """A reaction (or a button standing for one) on a review message — an episode card or a campaign message:
    :+1: approves, :-1: asks for changes, removing :+1: withdraws."""
    with app.store.session() as session:
        decision = handle_reaction(session, channel_id=channel_id, ts=ts, user_id=user_id, reaction=reaction,
                                   added=added)
        delivery = prepare(session, events_of(session, decision, user_id, "reaction", removal=not added))
    deliver(app, delivery)
    return delivery.events


def vote_on_render(app: AppContext, *, render_id: int, user_id: str, approve: bool, via: str,
                   note: str = "") -> list[Event]:
    """A vote on one render's card (the Approve button, the change modal)."""
    with app.store.session() as session:
        render = session.get(Render, render_id)
        if render is None:
            return []
        decision = vote(session, render=render, user_id=user_id, approve=approve, via=via, note=note)
        events: list[Event] = events_of(session, decision, user_id, via)
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def vote_on_episode(app: AppContext, *, season_id: int, number: int, user_id: str, approve: bool, via: str,
                    note: str = "") -> list[Event]:
    """A vote naming an episode (the terminal's `:+1: 3`, a note typed in the thread): on its newest render, and
    only when that render finished and its card is in the thread."""
    with app.store.session() as session:
        season = session.get(Season, season_id)
        episode = next((e for e in season.episodes if e.number == number), None) if season else None
        render = latest_render(episode) if episode is not None else None
        events: list[Event]
        if season is None or episode is None or render is None:
            what = f"Ep {number} doesn't exist." if episode is None else f"Ep {number} has no render yet."
            events = [VoteRefused(season_id, number, user_id, "no_episode" if episode is None else "not_ready",
                                  Notice(template=what))]
        else:
            decision = vote(session, render=render, user_id=user_id, approve=approve, via=via, note=note)
            events = events_of(session, decision, user_id, via)
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def withdraw_vote(app: AppContext, *, render_id: int, user_id: str, via: str) -> list[Event]:
    """Take an approval back (a removed reaction); after publication it is audited and answered."""
    with app.store.session() as session:
        render = session.get(Render, render_id)
        if render is None:
            return []
        decision = withdraw(session, render=render, user_id=user_id, via=via)
        delivery = prepare(session, events_of(session, decision, user_id, via, removal=True))
    deliver(app, delivery)
    return delivery.events
