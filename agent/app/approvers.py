"""Change who approves: "add @dana as (legal) approver", "remove @dana as approver", "quorum 2".

Only the season's creator or a current approver may change the rules; anyone else gets the reason and the attempt
is audited — otherwise a bystander could type "add @me as approver" and then approve an episode alone. After a
change the episode states are re-derived and the affected cards updated, so "quorum 2" visibly puts an episode
approved by one person back in review. Deterministic regexes and database rules: the model never decides who
may approve.
"""

from __future__ import annotations

import re

from agent.app import wording
from agent.app.events import ApproversChanged, ChangeRefused, Event
from agent.app.followups import deliver, prepare
from agent.context import AppContext
from agent.ports import Notice
from agent.services import approvals
from agent.services.review import recompute_states
from agent.services.seasons import audit
from agent.store.models import Season

USER = r"<@([A-Z0-9_]+)(?:\|[^>]*)?>"
ADD_APPROVER = re.compile(rf"\badd\s+{USER}\s+as\s+(?:an?\s+|the\s+)?(?:(\w+)\s+)?approver", re.IGNORECASE)
REMOVE_APPROVER = re.compile(
    rf"\b(?:remove|drop)\s+{USER}\s+(?:as\s+(?:an?\s+|the\s+)?(?:\w+\s+)?approver|from\s+(?:the\s+)?approvers)",
    re.IGNORECASE)
QUORUM = re.compile(r"\bquorum\s+(?:of\s+|to\s+|is\s+|=\s*)?(\d+)", re.IGNORECASE)
NOT_ROLES = {"an", "a", "the", "another", "extra", "second", "new"}


def may_change_rules(season: Season, actor: str) -> bool:
    """The season's creator or a current approver."""
    return actor == season.created_by or actor in {a.user_id for a in season.approvers}


def is_rule_change(text: str) -> bool:
    """Does the message ask to change approvers, roles or the quorum?"""
    return bool(REMOVE_APPROVER.search(text) or ADD_APPROVER.search(text) or QUORUM.search(text))


def change_rules(app: AppContext, *, season_id: int, actor: str, text: str) -> list[Event] | None:
    """Apply one rule change from a message; None when the message is not one."""
    if not is_rule_change(text):
        return None
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        if not may_change_rules(season, actor):
            names, fields = wording.people([a.user_id for a in season.approvers], "a")
            creator = {"creator": season.created_by} if season.created_by else {}
            who = "{creator}, who started this season, or " if creator else ""
            audit(session, season_id, actor, "approvers.change_refused", {"text": text[:500], "reason": "not_allowed"})
            event: Event = ChangeRefused(season_id, actor, "not_allowed", Notice(
                template=f"{{actor}}, only {who}a current approver ({names}) can change who approves or the quorum. "
                         "I haven't changed anything; ask one of them.", users={"actor": actor, **creator, **fields}))
            delivery = prepare(session, [event])
        else:
            try:
                notice = _apply(session, season, actor, text)
            except approvals.ApproverError as error:
                audit(session, season_id, actor, "approvers.change_refused", {"text": text[:500],
                                                                            "reason": str(error)[:500]})
                event = ChangeRefused(season_id, actor, "rule", wording.notice_of(error))
            else:
                event = ApproversChanged(season_id, actor, notice, tuple(recompute_states(session, season)))
            delivery = prepare(session, [event])
    deliver(app, delivery)
    return delivery.events


def _apply(session, season: Season, actor: str, text: str) -> Notice:  # type: ignore[no-untyped-def]
    """Make the change (services audit it); the reply as a notice."""
    if match := REMOVE_APPROVER.search(text):
        approvals.remove_approver(session, season, match.group(1), actor)
        return Notice(template="{user} is no longer an approver; their approvals no longer count.",
                      users={"user": match.group(1)})
    if match := ADD_APPROVER.search(text):
        user, role = match.group(1), match.group(2)
        role = None if role is None or role.lower() in NOT_ROLES else role.lower()
        outcome = approvals.set_approver(session, season, user, actor, role=role)
        label = f" ({role} sign-off)" if role else ""
        template = {"added": f"{{user}} is now an approver{label}.",
                    "updated": f"{{user}} is now the {role} approver — each episode needs a {role} sign-off.",
                    "unchanged": f"{{user}} was already an approver{label}."}[outcome]
        if outcome == "added" and role:
            template += f" Each episode now needs a {role} sign-off."
        return Notice(template=template, users={"user": user})
    match = QUORUM.search(text)
    assert match is not None
    quorum = int(match.group(1))
    approvals.set_quorum(session, season, quorum, actor)
    return Notice(template=f"Each episode now needs {quorum} approval(s).")
