"""After the review service records (or refuses) decisions: refresh the cards, tell people what happened and what's next.

Shared by every way a decision arrives — reaction, button, modal, batch confirmation, a "yes" typed in the thread —
so the cards and the thread say the same thing whichever path was taken.
"""

from __future__ import annotations

from agent.domain import EpisodeStatus
from agent.ports import ReviewChannel, ThreadRef
from agent.services.review import Decision, Outcome, posted_cards
from agent.store.db import Store
from agent.store.models import Season

DONE_STATES = (EpisodeStatus.APPROVED, EpisodeStatus.SCHEDULED, EpisodeStatus.PUBLISHED)


def tell_decisions(store: Store, channel: ReviewChannel, decisions: list[Decision], user_id: str) -> None:
    """Card refresh + thread notes for one person's decisions (one for a vote, several for a batch)."""
    decisions = [d for d in decisions if d.outcome != Outcome.IGNORED and d.season_id is not None]
    if not decisions:
        return
    season_id = decisions[0].season_id
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        cards = posted_cards(session, [rid for d in decisions for rid in d.refresh_cards])
        all_approved = bool(season.episodes) and all(ep.status in DONE_STATES for ep in season.episodes)
        episode_count = len(season.episodes)
    for message, card in cards:
        channel.update_card(message, card)
    state = {card.render_id: card.state for _message, card in cards}
    private = list(dict.fromkeys(d.message for d in decisions if d.outcome in (
        Outcome.NOT_APPROVER, Outcome.SUPERSEDED, Outcome.ALREADY_PUBLISHED) and d.message))
    for text in private:
        channel.notify_user(thread, user_id, text)
    for decision in decisions:
        number = decision.episode_number
        if decision.outcome == Outcome.CHANGES_REQUESTED and decision.note:
            channel.say(thread, f"<@{user_id}> asked for changes on Ep {number}: “{decision.note}”")
        elif decision.outcome == Outcome.CHANGES_REQUESTED:
            channel.say(thread, f"<@{user_id}> asked for changes on Ep {number}. Reply here with what should change "
                                f"(e.g. \"Ep {number}: make the ending darker\") and I'll say what I'll redo and how "
                                "long it takes before re-rendering.")
        elif decision.outcome == Outcome.WITHDRAWN:
            still = state.get(decision.render_id or -1) in DONE_STATES
            channel.say(thread, f"<@{user_id}> withdrew their approval of Ep {number} — "
                                + ("it is still approved by the others." if still else "it is back in review."))
    if any(d.outcome == Outcome.APPROVED for d in decisions) and all_approved:
        channel.say(thread, f":tada: All {episode_count} episodes are approved. Say *schedule daily at 6pm* "
                            "(or weekly, every 2 days, with a time zone) to book the releases.")


def answer_batch(store: Store, channel: ReviewChannel, thread: ThreadRef, batch_id: int, user_id: str,
                 confirm: bool) -> str:
    """Confirm or cancel a pending batch, say the answer in the thread, refresh the cards; returns the answer.

    Raises BatchError (for the person who clicked or typed) when the batch is not theirs or already answered.
    """
    from agent.services.batch import cancel_batch, confirm_batch

    decisions: list[Decision] = []
    with store.session() as session:
        if confirm:
            decisions = confirm_batch(session, batch_id, user_id)
        else:
            episodes = cancel_batch(session, batch_id, user_id).episodes
    if not confirm:
        text = f"<@{user_id}> cancelled the batch approval of Ep {', '.join(map(str, episodes))}."
        channel.say(thread, text)
        return text
    counted = [d for d in decisions if d.outcome in (Outcome.APPROVED, Outcome.COUNTED)]
    text = (f":white_check_mark: <@{user_id}> confirmed: approval recorded for Ep "
            f"{', '.join(str(d.episode_number) for d in counted)} (batch)." if counted
            else f"<@{user_id}> confirmed, but nothing could be approved.")
    for decision in decisions:
        if decision not in counted:
            text += f"\n• Ep {decision.episode_number}: {decision.message or decision.outcome.value.replace('_', ' ')}"
    channel.say(thread, text)
    tell_decisions(store, channel, counted, user_id)
    return text
