"""The campaign message for one episode: the copy inline (in ≤3000-character sections) and Approve / Request
changes buttons, which follow the same rules as :+1: / :-1: on the message."""

from __future__ import annotations

from typing import Any

from agent.ports import CampaignCard
from integrations.slack.blocks.notice import escape

CAMPAIGN_APPROVE_ACTION = "campaign_approve"
CAMPAIGN_CHANGES_ACTION = "campaign_request_changes"
SECTION_LIMIT = 2900
OPEN_STATES = {"in_review", "changes_requested", "flagged", "generated", "posted", "waiting"}


def _sections(text: str) -> list[str]:
    """Whole lines packed into sections under Slack's 3000-character limit."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_LIMIT and current:
            chunks.append(current)
            current = line[:SECTION_LIMIT]
        else:
            current = candidate[:SECTION_LIMIT]
    if current:
        chunks.append(current)
    return chunks


def campaign_text(card: CampaignCard) -> str:
    """The message in Slack mrkdwn (copy inline as quotes; media arrive as uploads just above it)."""
    lines = [f":loudspeaker: *Campaign for Ep {card.episode_number} · {escape(card.title)}*"]
    for item in card.items:
        when = f" · goes out {item.publish_at}" if item.publish_at else ""
        who = f" · approved by {', '.join(f'<@{u}>' for u in item.approved_by)}" if item.approved_by else ""
        lines.append(f"\n*{escape(item.label)}* (v{item.version}) — _{item.state.lower().replace('_', ' ')}_"
                     f"{when}{who}")
        if item.findings:
            lines.append(":warning: Persona Brief: " + "; ".join(escape(f) for f in item.findings))
        if item.text:
            lines.append("\n".join(f"> {escape(row)}" if row else ">" for row in item.text.strip().splitlines()))
    kinds = ", ".join(dict.fromkeys(i.kind for i in card.items))
    lines.append(f"\nReact :+1: to approve everything above, or reply e.g. “Ep {card.episode_number} "
                 f"{card.items[0].kind if card.items else 'quote'}: <what to change>” to redo one asset ({kinds}).")
    return "\n".join(lines)


def campaign_blocks(card: CampaignCard) -> list[dict[str, Any]]:
    """Sections for the copy, then the buttons while anything on the card still awaits a decision."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
                                    for chunk in _sections(campaign_text(card))][:45]
    undecided = any(item.state.lower() not in ("approved", "published", "scheduled") for item in card.items)
    if undecided:
        blocks.append({
            "type": "actions",
            "block_id": f"campaign_{card.season_id}_{card.episode_number}",
            "elements": [
                {"type": "button", "action_id": CAMPAIGN_APPROVE_ACTION, "style": "primary", "value": "approve",
                 "text": {"type": "plain_text", "text": "Approve campaign"}},
                {"type": "button", "action_id": CAMPAIGN_CHANGES_ACTION, "value": "changes",
                 "text": {"type": "plain_text", "text": "Request changes"}},
            ],
        })
    return blocks
