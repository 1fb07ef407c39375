"""The one follow-up step: whatever the entry point, the same events get the same consequences.

`prepare` runs inside the use case's database session (no second session for the reads): it works out which
cards to refresh, whether the season is now all approved, and where each season's thread is. `deliver` runs after
the commit: it updates the cards, starts the surround campaign of each newly approved episode, tells the thread,
tells refused people privately, asks batch and release questions. Audit entries are written by the use cases in
their session, so a follow-up that fails to reach Slack never loses the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from agent.app import wording
from agent.app.events import (
    AllApproved,
    Approved,
    ApproversChanged,
    BatchAnswered,
    BatchAsked,
    CampaignVoted,
    CardsChanged,
    ChangeRefused,
    ChangesRequested,
    Event,
    FiguresShown,
    GaveUp,
    Published,
    PublishFailed,
    ReleaseConfirmed,
    ReleaseDue,
    ReleaseRefused,
    RendersQueued,
    Said,
    Scheduled,
    SpendAsked,
    SpendDecided,
    Told,
    VoteCounted,
    VoteEvent,
    VoteRefused,
    Withdrawn,
)
from agent.context import AppContext
from agent.domain import EpisodeStatus
from agent.ports import CampaignCard, PostedMessage, ReviewCard, ThreadRef
from agent.services.review import posted_campaign_cards, posted_cards
from agent.store.models import Season

log = logging.getLogger(__name__)
DONE_STATES = (EpisodeStatus.APPROVED, EpisodeStatus.SCHEDULED, EpisodeStatus.PUBLISHED)
REFRESHING = (VoteCounted, Approved, ChangesRequested, Withdrawn)


@dataclass
class Delivery:
    """Everything `deliver` needs, read in the use case's session."""

    events: list[Event]
    threads: dict[int, ThreadRef] = field(default_factory=dict)
    cards: list[tuple[PostedMessage, ReviewCard]] = field(default_factory=list)
    campaign_cards: list[tuple[PostedMessage, CampaignCard]] = field(default_factory=list)


def all_approved(season: Season) -> bool:
    """Every episode approved or further along (what "all approved" means to the thread)."""
    return bool(season.episodes) and all(ep.status in DONE_STATES for ep in season.episodes)


def prepare(session: Session, events: list[Event]) -> Delivery:
    """Cards to refresh, threads, and an AllApproved event when an approval just completed the season."""
    events = list(events)
    refresh: list[int] = []
    campaign = [i for e in events if isinstance(e, CampaignVoted) for i in e.render_ids]
    for event in events:
        if isinstance(event, REFRESHING):
            refresh.append(event.render_id)
        elif isinstance(event, ApproversChanged):
            refresh.extend(event.changed_renders)
        elif isinstance(event, CardsChanged):
            refresh.extend(event.render_ids)
    threads: dict[int, ThreadRef] = {}
    for season_id in dict.fromkeys(e.season_id for e in events):
        season = session.get(Season, season_id)
        if season is None or not season.thread_ts:
            continue
        threads[season_id] = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        approved_now = any(isinstance(e, Approved) and e.season_id == season_id for e in events)
        if approved_now and all_approved(season):
            events.append(AllApproved(season_id, len(season.episodes)))
    return Delivery(events, threads, posted_cards(session, refresh) if refresh else [],
                    posted_campaign_cards(session, campaign) if campaign else [])


def deliver(app: AppContext, delivery: Delivery) -> None:
    """Cards, campaign, thread notes, private notes, questions — in that order, after the commit."""
    from agent.services.campaign import on_episode_approved

    channel = app.channel
    for message, card in delivery.cards:
        channel.update_card(message, card)
    for message, campaign_card in delivery.campaign_cards:
        channel.update_campaign(message, campaign_card)
    for event in delivery.events:
        if isinstance(event, Approved) and event.episode_id:
            on_episode_approved(app.store, event.episode_id, app.enqueue_campaign)  # the surround campaign
        elif isinstance(event, CampaignVoted):
            for asset_id in event.enqueue:  # new asset versions to generate
                app.enqueue_campaign(asset_id)
    for event in delivery.events:
        thread = delivery.threads.get(event.season_id)
        if thread is None:
            continue
        _tell(app, thread, event)
    for event in delivery.events:
        if isinstance(event, AllApproved):  # every animatic approved: the final render's estimate, unasked
            from agent.app.spend import ask_final

            ask_final(app, season_id=event.season_id, actor="cliffhanger", auto=True)


def _tell(app: AppContext, thread: ThreadRef, event: Event) -> None:
    """One event's words (or question) in the thread, or privately."""
    channel = app.channel
    if isinstance(event, VoteRefused):
        channel.notify_user(thread, event.voter, event.text)
    elif isinstance(event, Told):
        channel.notify_user(thread, event.user, event.text)
    elif isinstance(event, ReleaseRefused):
        channel.notify_user(thread, event.by, event.text)
    elif isinstance(event, CampaignVoted) and event.text is not None:
        if event.private:
            channel.notify_user(thread, event.voter, event.text)
        else:
            channel.say(thread, event.text)
    elif isinstance(event, VoteEvent | AllApproved):
        notice = wording.thread_notice(event)
        if notice is not None:
            channel.say(thread, notice)
    elif isinstance(event, SpendAsked | SpendDecided):
        _tell_spend(app, thread, event)
    elif isinstance(event, BatchAsked):
        posted = channel.ask_batch(thread, event.question)
        _remember_question(app, event.question.batch_id, posted.ts)
    elif isinstance(event, BatchAnswered):
        channel.say(thread, event.answer)
        if event.question_ts:
            channel.answer_batch(PostedMessage(channel_id=thread.channel_id, ts=event.question_ts), event.answer)
    elif isinstance(event, ReleaseDue):
        channel.ask_release(thread, event.question)
    elif isinstance(event, FiguresShown):
        channel.say(thread, event.text)
        if event.png is not None:
            channel.upload(thread, event.png, event.title)
    elif isinstance(event, ApproversChanged | ChangeRefused | Scheduled | ReleaseConfirmed | Published
                    | PublishFailed | GaveUp | Said) or isinstance(event, RendersQueued) and event.text is not None:
        channel.say(thread, event.text)


def _tell_spend(app: AppContext, thread: ThreadRef, event: SpendAsked | SpendDecided) -> None:
    """A spend estimate posted with its buttons (and remembered), or its decision shown in place and said."""
    from agent.services import spend

    if isinstance(event, SpendAsked):
        posted = app.channel.ask_spend(thread, event.view)
        spend.set_message(app.store, event.view.estimate_id, posted.ts)
        return
    if event.message_ts:
        app.channel.update_spend(PostedMessage(channel_id=thread.channel_id, ts=event.message_ts), event.view)
    app.channel.say(thread, event.text)


def _remember_question(app: AppContext, batch_id: int, ts: str) -> None:
    """Where the batch question sits, so its answer can replace it in place."""
    from agent.store.models import BatchApproval

    with app.store.session() as session:
        row = session.get(BatchApproval, batch_id)
        if row is not None:
            row.message_ts = ts
