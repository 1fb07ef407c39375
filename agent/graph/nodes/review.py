"""Review stage: the conversation side of review. Each message is parsed and handed to one use case in
`agent.app` — a batch ("approve 4–6", "yes, approve 4–6"), a release in confirm mode ("publish ep 3"), "post ep 3
again", a schedule request, a change note ("Ep 3: make the ending darker"), a per-shot note ("ep 3 shot 4: close-up
on Ronan instead") — which records, follows up and tells
the thread. Approvals never pass through the model, and nothing here writes channel syntax.
"""

from __future__ import annotations

import re

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.app import batch, changes, production, releases, shots, spend, votes
from agent.app.events import Approved, VoteCounted
from agent.context import TurnContext
from agent.domain import Brief, Cadence
from agent.graph.actions.dispatch import dispatch, finish_command
from agent.graph.actions.reading import read_message
from agent.graph.actions.review import HANDLERS
from agent.graph.actions.step import Step
from agent.graph.nodes.common import say
from agent.graph.state import SeasonState
from agent.services.campaign_chat import campaign_command
from agent.services.review import open_change_requests
from agent.store.models import Season

EPISODE_REF = re.compile(r"\b(?:ep(?:isode)?\.?\s*)(\d{1,2})\b", re.IGNORECASE)
NOTE_PREFIX = re.compile(r"^\s*ep(?:isode)?\.?\s*\d{1,2}\s*[:,.\-–—]\s*", re.IGNORECASE)  # "Ep 3: …" → "…"


def schedule_from_text(ctx: TurnContext, season_id: int, text: str) -> None:
    """Book release slots on the cadence the brain read from the message (over the brief's cadence)."""
    with ctx.app.store.session() as session:
        season = session.get_one(Season, season_id)
        brief = Brief.model_validate(season.brief)
    parsed = ctx.app.brain.extract_brief(text, {"cadence": brief.cadence.model_dump(mode="json")})
    cadence = Cadence.model_validate(parsed.get("cadence") or brief.cadence.model_dump(mode="json"))
    releases.schedule(ctx.app, season_id=season_id, actor=ctx.user_id, text=text, cadence=cadence)


def handle_command(ctx: TurnContext, season_id: int, text: str) -> bool:
    """The review commands that need no model: a typed vote, batch, release, post again; True when one handled the
    text."""
    if (typed := votes.parse_typed_vote(text)) is not None:  # `:+1: 3` typed in the thread
        events = votes.vote_on_episode(ctx.app, season_id=season_id, number=typed[1], user_id=ctx.user_id,
                                       approve=typed[0], via="thread")
        if any(isinstance(e, Approved | VoteCounted) for e in events):  # the card far up changed; say so here
            say(ctx, f"Recorded your approval of Ep {typed[1]} — its card shows it.")
        return True
    if spend.handle_text(ctx.app, season_id=season_id, user_id=ctx.user_id, text=text) is not None:
        return True  # approve / cancel spend, final directly, "make the final render" (issue 14)
    if batch.handle_text(ctx.app, season_id=season_id, user_id=ctx.user_id, text=text) is not None:
        return True
    is_release, number = releases.parse_release(text)
    if is_release:
        releases.confirm_release(ctx.app, season_id=season_id, actor=ctx.user_id, number=number)
        return True
    if (number := production.parse_post_again(text)) is not None:
        production.post_again(ctx.app, season_id=season_id, number=number, actor=ctx.user_id)
        return True
    if shots.names_a_shot(text):  # "ep 3 shot 4: close-up on Ronan instead" — one shot, one episode re-rendered
        return shot_note(ctx, season_id, text)
    return False


def shot_note(ctx: TurnContext, season_id: int, text: str) -> bool:
    """A per-shot note: for the episode it names, else the one episode with changes requested; else ask which."""
    with ctx.app.store.session() as session:
        season = session.get_one(Season, season_id)
        pending = list(dict.fromkeys(episode.number for _r, episode in open_change_requests(session, season)))
    named = EPISODE_REF.search(text)
    number = int(named.group(1)) if named else (pending[0] if len(pending) == 1 else None)
    if number is None:
        say(ctx, "Which episode is that shot in? Say it like *ep 3 shot 4: close-up on Ronan instead*.")
        return True
    changes.request_change(ctx.app, season_id=season_id, number=number, user_id=ctx.user_id, note=text,
                           via="thread")
    return True


def review_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Votes, batches, releases and campaign commands first (the production line's own parsers); then every request
    of the message through the catalogue: notes, schedule, status, figures, help …"""
    text: str = interrupt({"stage": "review"})
    step = Step(ctx=runtime.context, state=dict(state), stage="review", text=text)
    ctx = step.ctx
    if handle_command(ctx, step.season_id, text) or campaign_command(
            ctx.app.store, ctx.app.channel, ctx.app.enqueue_campaign, season_id=step.season_id, user_id=ctx.user_id,
            text=text):  # about a teaser/carousel/quote/write-up or the campaign plan
        return finish_command(step, Command(goto="review"), "(handled by the production line)")
    return dispatch(step, read_message(ctx, step.state, text, "review"), HANDLERS)
