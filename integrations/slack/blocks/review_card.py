"""The approval card for one render: title, duration, continuity summary, state, Approve / Request changes."""

from __future__ import annotations

from typing import Any

from agent.ports import ReviewCard

APPROVE_ACTION = "review_approve"
CHANGES_ACTION = "review_request_changes"

STATE_LABELS = {
    "IN_REVIEW": ":eyes: Waiting for approval",
    "RENDERED": ":eyes: Waiting for approval",
    "APPROVED": ":white_check_mark: Approved",
    "CHANGES_REQUESTED": ":pencil2: Changes requested",
    "SCHEDULED": ":calendar: Approved and scheduled",
    "PUBLISHED": ":rocket: Published",
    "SUPERSEDED": ":fast_forward: Superseded by a newer version",
}


def card_text(card: ReviewCard) -> str:
    """Plain-text fallback (notifications, screen readers)."""
    return f"Ep {card.episode_number} · {card.title} (v{card.version}) — {STATE_LABELS.get(card.state, card.state)}"


def review_card_blocks(card: ReviewCard) -> list[dict[str, Any]]:
    """Blocks for the card; buttons only while a decision is still possible."""
    mark = ":white_check_mark:" if card.continuity_passed else ":warning: *Continuity flagged* —"
    state = STATE_LABELS.get(card.state, card.state)
    context = [f"{state}"]
    if card.approved_by:
        context.append("approved by " + ", ".join(f"<@{u}>" for u in card.approved_by))
    if card.changes_by:
        context.append("changes requested by " + ", ".join(f"<@{u}>" for u in card.changes_by))
    if card.missing_roles:
        context.append("still needs sign-off from: " + ", ".join(card.missing_roles))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Ep {card.episode_number} · {card.title}"[:150]}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Version {card.version}* · {card.duration_s:.0f} s\n{mark} {card.continuity_summary}".strip(),
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]},
    ]
    if card.state in ("IN_REVIEW", "RENDERED", "CHANGES_REQUESTED", "APPROVED"):
        blocks.append({
            "type": "actions",
            "block_id": f"review_{card.render_id}",
            "elements": [
                {"type": "button", "action_id": APPROVE_ACTION, "style": "primary", "value": str(card.render_id),
                 "text": {"type": "plain_text", "text": "Approve"}},
                {"type": "button", "action_id": CHANGES_ACTION, "value": str(card.render_id),
                 "text": {"type": "plain_text", "text": "Request changes"}},
            ],
        })
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "React :+1: to approve, :-1: and reply with a note to request changes."}]})
    return blocks


def change_request_modal(render_id: int, title: str) -> dict[str, Any]:
    """Modal asking for the change note."""
    return {
        "type": "modal",
        "callback_id": "change_request_modal",
        "private_metadata": str(render_id),
        "title": {"type": "plain_text", "text": "Request changes"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"What should change in *{title}*?"}},
            {"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "Note"},
             "element": {"type": "plain_text_input", "action_id": "note", "multiline": True}},
        ],
    }
