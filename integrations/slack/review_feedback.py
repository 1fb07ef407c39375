"""After the review service records a decision: refresh the card, tell people what happened and what's next."""

from __future__ import annotations

from sqlalchemy import select

from agent.domain import EpisodeStatus
from agent.ports import PostedMessage, ThreadRef
from agent.services.review import Decision, Outcome, build_card
from agent.store.models import Render, ReviewMessage, Season
from integrations.slack.deps import SlackDeps


def apply_decision(deps: SlackDeps, decision: Decision, user_id: str) -> None:
    """Card refresh + thread note for one recorded (or refused) vote."""
    if decision.outcome == Outcome.IGNORED or decision.season_id is None:
        return
    channel = deps.app.channel
    store = deps.app.store
    with store.session() as session:
        season = session.get(Season, decision.season_id)
        assert season is not None
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        cards = []
        for render_id in decision.refresh_cards:
            render = session.get(Render, render_id)
            posted = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render_id))
            if render is not None and posted is not None:
                cards.append((PostedMessage(channel_id=posted.channel_id, ts=posted.message_ts),
                              build_card(session, render)))
        all_approved = bool(season.episodes) and all(
            ep.status in (EpisodeStatus.APPROVED, EpisodeStatus.SCHEDULED, EpisodeStatus.PUBLISHED)
            for ep in season.episodes)
        episode_count = len(season.episodes)
    for message, card in cards:
        channel.update_card(message, card)
    if decision.outcome in (Outcome.NOT_APPROVER, Outcome.SUPERSEDED, Outcome.ALREADY_PUBLISHED):
        channel.notify_user(thread, user_id, decision.message)
    elif decision.outcome == Outcome.CHANGES_REQUESTED:
        channel.say(thread, f"<@{user_id}> asked for changes on Ep {decision.episode_number}. Reply here with what "
                            f"should change (e.g. \"Ep {decision.episode_number}: make the ending darker\") and I'll "
                            "revise the script, re-render and re-post it.")
    elif decision.outcome == Outcome.APPROVED and all_approved:
        channel.say(thread, f":tada: All {episode_count} episodes are approved. Say *schedule daily at 6pm* "
                            "(or weekly, every 2 days, with a time zone) to book the releases.")
