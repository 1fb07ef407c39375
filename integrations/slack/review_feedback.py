"""After the review service records a decision from Slack: refresh the card, tell people what happened and what's next.

The work is agent-side (agent.services.review_notes) so a batch confirmed by typing "yes" in the thread and one
confirmed with a button say exactly the same thing.
"""

from __future__ import annotations

from agent.services.review import Decision
from agent.services.review_notes import tell_decisions
from integrations.slack.deps import SlackDeps


def apply_decision(deps: SlackDeps, decision: Decision, user_id: str) -> None:
    """Card refresh + thread note for one recorded (or refused) vote."""
    apply_decisions(deps, [decision], user_id)


def apply_decisions(deps: SlackDeps, decisions: list[Decision], user_id: str) -> None:
    """Card refreshes + thread notes for several decisions by one person (a confirmed batch)."""
    tell_decisions(deps.app.store, deps.app.channel, decisions, user_id)
