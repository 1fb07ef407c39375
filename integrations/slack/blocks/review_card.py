"""The approval card for one render (title, duration, continuity, state, Approve / Request changes), the change
note modal, the batch-approval question and the confirm-mode Publish button — Block Kit built by small functions.
"""

from __future__ import annotations

from typing import Any

from agent.ports import BatchQuestion, ReleaseQuestion, ReviewCard

APPROVE_ACTION = "review_approve"
CHANGES_ACTION = "review_request_changes"
CHANGE_MODAL = "change_request_modal"
BATCH_CONFIRM_ACTION = "batch_confirm"
BATCH_CANCEL_ACTION = "batch_cancel"
RELEASE_ACTION = "release_publish"

STATE_LABELS = {
    "IN_REVIEW": ":eyes: Waiting for approval",
    "RENDERED": ":eyes: Waiting for approval",
    "APPROVED": ":white_check_mark: Approved",
    "CHANGES_REQUESTED": ":pencil2: Changes requested",
    "RENDERING": ":hourglass_flowing_sand: Changes requested — new version rendering",
    "SCRIPTED": ":pencil2: Changes requested — being rewritten",
    "SCHEDULED": ":calendar: Approved and scheduled",
    "PUBLISHED": ":rocket: Published",
    "FAILED": ":x: Render failed",
    "SUPERSEDED": ":fast_forward: Superseded by a newer version — review that one",
}
OPEN_STATES = ("IN_REVIEW", "RENDERED", "CHANGES_REQUESTED", "APPROVED")


def card_text(card: ReviewCard) -> str:
    """Plain-text fallback (notifications, screen readers)."""
    return (f"Ep {card.episode_number} · {card.title} ({card.pass_label}, v{card.version}) — "
            f"{STATE_LABELS.get(card.state, card.state)}")


def plain(text: str) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": text}


def button(action_id: str, text: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A button element (style: primary | danger)."""
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(text), "value": value}
    if style:
        element["style"] = style
    return element


def mentions(users: list[str]) -> str:
    """<@U1>, <@U2>."""
    return ", ".join(f"<@{u}>" for u in users)


def state_line(card: ReviewCard) -> str:
    """"Waiting for approval · 1 of 2 approvals · approved by … · still needs: legal"."""
    parts = [STATE_LABELS.get(card.state, card.state)]
    if card.state in ("IN_REVIEW", "RENDERED") and card.quorum > 1:
        parts.append(f"{len(card.approved_by)} of {card.quorum} approvals")
    if card.approved_by:
        parts.append("approved by " + mentions(card.approved_by))
    if card.changes_by:
        parts.append("changes requested by " + mentions(card.changes_by))
    if card.missing_roles and card.state in OPEN_STATES:
        parts.append("still needs sign-off from: " + ", ".join(f"*{role}*" for role in card.missing_roles))
    return " · ".join(parts)


def review_card_blocks(card: ReviewCard) -> list[dict[str, Any]]:
    """Blocks for the card; buttons only while a decision is still possible."""
    mark = ":white_check_mark:" if card.continuity_passed else ":warning: *Continuity flagged* —"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"Ep {card.episode_number} · {card.title}"[:150])},
        {"type": "section", "block_id": f"summary_{card.render_id}", "text": mrkdwn(
            f"*{card.pass_label}* · *Version {card.version}* · {card.duration_s:.0f} s\n{mark} "
            f"{card.continuity_summary}".strip())},
        *_final_facts(card),
        {"type": "context", "block_id": f"state_{card.render_id}", "elements": [mrkdwn(state_line(card))]},
    ]
    if card.state in OPEN_STATES:
        blocks.append({"type": "actions", "block_id": f"review_{card.render_id}", "elements": [
            button(APPROVE_ACTION, "Approve", str(card.render_id), "primary"),
            button(CHANGES_ACTION, "Request changes", str(card.render_id)),
        ]})
        blocks.append({"type": "context", "elements": [
            mrkdwn("React :+1: to approve, :-1: and reply with a note to request changes.")]})
    return blocks


def _final_facts(card: ReviewCard) -> list[dict[str, Any]]:
    """A final render's face-lock figures (flagged ones marked) and what it cost (issue 14)."""
    from integrations.slack.blocks.notice import escape

    rows = [f":warning: {escape(line)}" if card.identity_flagged and "over the lock" in line else escape(line)
            for line in card.identity_lines]
    if card.spend_usd is not None:
        rows.append(f"Generative spend for this cut: ${card.spend_usd:,.2f}")
    if not rows:
        return []
    return [{"type": "context", "block_id": f"identity_{card.render_id}", "elements": [mrkdwn("\n".join(rows))]}]


def change_request_modal(render_id: int, title: str) -> dict[str, Any]:
    """Modal asking for the change note (its scope — script, look, voice — is read from the words)."""
    return {
        "type": "modal",
        "callback_id": CHANGE_MODAL,
        "private_metadata": str(render_id),
        "title": plain("Request changes"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            {"type": "section", "text": mrkdwn(f"What should change in *{title}*?")},
            {"type": "input", "block_id": "note", "label": plain("Note"),
             "hint": plain("e.g. \"make the ending darker\" (script), \"logo bigger\" (look), \"voice louder\" (voice)"),
             "element": {"type": "plain_text_input", "action_id": "note", "multiline": True}},
        ],
    }


def batch_question_text(question: BatchQuestion) -> str:
    """The confirmation question as text (the notification fallback)."""
    numbers = ", ".join(f"Ep {n}" for n, _ in question.episodes)
    count = len(question.episodes)
    text = (f"<@{question.asker}>, approve {numbers} ({count} episode{'s' if count != 1 else ''}) in one go? "
            f"Each gets its own approval on record. Reply *yes, approve {batch_span(question)}* (or just *yes*), "
            "or use the buttons.")
    if question.skipped:
        text += "\nLeft out: " + "; ".join(question.skipped) + "."
    return text


def batch_span(question: BatchQuestion) -> str:
    """"4–6" for a run, "2, 5, 7" otherwise (what the person asked for, in their words)."""
    numbers = [n for n, _ in question.episodes]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(map(str, numbers))


def batch_confirm_blocks(question: BatchQuestion) -> list[dict[str, Any]]:
    """The question with the episode list and Yes-approve / Cancel buttons (never the word "confirm", which
    would collide with a confirm-mode release)."""
    listing = "\n".join(f"• Ep {n} · {title}" for n, title in question.episodes)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f":ballot_box_with_check: <@{question.asker}> asked to approve these in "
                                           f"one go:\n{listing}")},
    ]
    if question.skipped:
        blocks.append({"type": "context", "elements": [mrkdwn("Left out: " + "; ".join(question.skipped))]})
    blocks.append({"type": "actions", "block_id": f"batch_{question.batch_id}", "elements": [
        button(BATCH_CONFIRM_ACTION, f"Yes, approve {len(question.episodes)}", str(question.batch_id), "primary"),
        button(BATCH_CANCEL_ACTION, "Cancel", str(question.batch_id)),
    ]})
    return blocks


def release_text(question: ReleaseQuestion) -> str:
    """Confirm mode's question as text (fallback and what the thread shows)."""
    who = " ".join(f"<@{u}>" for u in question.approvers)
    return (f":raising_hand: {who} Ep {question.episode_number} '{question.title}' is due ({question.when}) and "
            f"waits for an approver's go: press *Publish* or reply *publish ep {question.episode_number}*. Nothing "
            "later in this season goes out until then.").replace(":raising_hand:  ", ":raising_hand: ")


def release_blocks(question: ReleaseQuestion) -> list[dict[str, Any]]:
    """The due release with a Publish button (approvers only; the listener checks)."""
    return [
        {"type": "section", "text": mrkdwn(release_text(question))},
        {"type": "actions", "block_id": f"release_{question.season_id}_{question.episode_number}", "elements": [
            button(RELEASE_ACTION, f"Publish Ep {question.episode_number}",
                   ",".join(map(str, question.slot_ids)), "primary"),
        ]},
    ]


def batch_answered_blocks(text: str) -> list[dict[str, Any]]:
    """What the question turns into once answered (no more buttons)."""
    return [{"type": "section", "text": mrkdwn(text)}]
