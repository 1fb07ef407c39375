"""The spend estimate card for a paid pass (issue 14): its breakdown, total, time, the season's budget, and
Approve spend / Cancel buttons while it waits for an approver. Built from `agent.services.spend.SpendCardView`."""

from __future__ import annotations

from typing import Any

from agent.services.spend import APPROVED, CANCELLED, SpendCardView
from integrations.slack.blocks.notice import escape
from integrations.slack.blocks.review_card import button, mrkdwn, plain

SPEND_APPROVE_ACTION = "spend_approve"
SPEND_CANCEL_ACTION = "spend_cancel"


def spend_text(view: SpendCardView) -> str:
    """Plain-text fallback: the first line and the total."""
    rows = view.lines()
    return f"{rows[0]} — ${view.amount_usd:,.2f}"


def _decision(view: SpendCardView) -> str:
    if view.status == APPROVED:
        return f":white_check_mark: Approved by <@{view.decided_by}> — final renders are on their way"
    if view.status == CANCELLED:
        return f":no_entry_sign: Cancelled by <@{view.decided_by}> — nothing more is spent"
    return ":hourglass_flowing_sand: Waiting for an approver — nothing is spent until then"


def spend_blocks(view: SpendCardView) -> list[dict[str, Any]]:
    """The card; buttons only while the estimate is PENDING (approvers only — others are told why privately)."""
    rows = [escape(row) for row in view.lines() if not row.startswith(("Approved by", "Cancelled by"))]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"Spend estimate · {view.pass_label}"[:150])},
        {"type": "section", "block_id": f"spend_{view.estimate_id}", "text": mrkdwn("\n".join(rows[1:]))},
        {"type": "context", "elements": [mrkdwn(f"{escape(rows[0])} · {_decision(view)}")]},
    ]
    if view.actionable:
        blocks.append({"type": "actions", "block_id": f"spend_actions_{view.estimate_id}", "elements": [
            button(SPEND_APPROVE_ACTION, "Approve spend", str(view.estimate_id), "primary"),
            button(SPEND_CANCEL_ACTION, "Cancel", str(view.estimate_id), "danger"),
        ]})
    return blocks
