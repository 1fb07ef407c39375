"""After the review service records a decision from Slack: refresh the card, tell people what happened and what's next.

The work is agent-side (agent.services.review_notes) so a batch confirmed by typing "yes" in the thread and one
confirmed with a button say exactly the same thing.
"""

from __future__ import annotations

from agent.services.campaign import on_episode_approved
from agent.services.review import Decision, Outcome
from agent.services.review_notes import tell_decisions
from agent.store.models import Render
from integrations.slack.deps import SlackDeps


def apply_decision(deps: SlackDeps, decision: Decision, user_id: str) -> None:
    """Card refresh + thread note for one recorded (or refused) vote."""
    apply_decisions(deps, [decision], user_id)


def apply_decisions(deps: SlackDeps, decisions: list[Decision], user_id: str) -> None:
    """Card refreshes + thread notes for several decisions by one person (a confirmed batch).

    An episode that just reached quorum starts its surround campaign at once (the minutely campaign tick would
    pick it up too; this saves the wait).
    """
    tell_decisions(deps.app.store, deps.app.channel, decisions, user_id)
    for decision in decisions:
        if decision.outcome == Outcome.APPROVED and decision.render_id is not None:
            with deps.app.store.session() as session:
                render = session.get(Render, decision.render_id)
                episode_id = render.episode_id if render is not None else None
            if episode_id is not None:
                on_episode_approved(deps.app.store, episode_id, deps.app.enqueue_campaign)
