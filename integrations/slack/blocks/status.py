"""The status answer as Block Kit: per-episode state, who still has to approve, next drop, blockers.

Built from tools.status.SeasonView (one database read) by small functions; the season board PNG is uploaded
next to it. Block Kit limits respected: section text ≤ 3000 chars, ≤ 50 blocks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools.status import EpisodeView, SeasonView

EMOJI = {
    "SCRIPTED": ":memo:",
    "RENDERING": ":hourglass_flowing_sand:",
    "RENDERED": ":eyes:",
    "IN_REVIEW": ":eyes:",
    "APPROVED": ":white_check_mark:",
    "CHANGES_REQUESTED": ":pencil2:",
    "SCHEDULED": ":calendar:",
    "PUBLISHED": ":rocket:",
    "FAILED": ":x:",
}
SECTION_LIMIT = 2900


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object."""
    return {"type": "mrkdwn", "text": text}


def when(iso: str) -> str:
    """"Tue 01 Jul 22:00 UTC" from an ISO timestamp."""
    return f"{datetime.fromisoformat(iso):%a %d %b %H:%M} UTC"


def episode_line(ep: EpisodeView) -> str:
    """One episode: state, version, approvals or who it waits on, release."""
    state = ep.status.lower().replace("_", " ")
    line = f"{EMOJI.get(ep.status, ':grey_question:')} *Ep {ep.number}* {ep.title} — {state}"
    if ep.versions > 1:
        line += f" (v{ep.versions})"
    if ep.approved_by:
        line += " · approved by " + ", ".join(f"<@{u}>" for u in ep.approved_by)
    if ep.waiting_on:
        line += " · waiting on " + ", ".join(f"<@{u}>" for u in ep.waiting_on)
    if ep.missing_roles and ep.status in ("IN_REVIEW", "RENDERED"):
        line += " · needs " + ", ".join(ep.missing_roles) + " sign-off"
    if ep.publish_at:
        line += f" · {'published' if ep.published else 'drops'} {when(ep.publish_at)}"
        line += f" ({ep.release_times()})" if ep.release_times() else ""  # each destination's time (issue 15)
    return line


def summary_block(view: SeasonView) -> dict[str, Any]:
    """Stage, counts, next drop, approvers and quorum as fields."""
    counts = ", ".join(f"{n} {s.lower().replace('_', ' ')}" for s, n in sorted(view.state_counts().items()))
    approvers = ", ".join(view.approver_label(a, slack_mention) for a in view.approvers) or "none"
    return {"type": "section", "block_id": "status_summary", "fields": [
        mrkdwn(f"*Stage*\n{view.status.lower()}"),
        mrkdwn(f"*Episodes*\n{counts or 'none yet'}"),
        mrkdwn(f"*Next drop*\n{when(view.next_publish) if view.next_publish else 'not scheduled'}"),
        mrkdwn(f"*Approvers* (quorum {view.quorum})\n{approvers}"),
    ]}


def episode_blocks(view: SeasonView) -> list[dict[str, Any]]:
    """Episode lines packed into as few sections as the text limit allows."""
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for ep in view.episodes:
        line = episode_line(ep)
        if chunk and len(chunk) + len(line) + 1 > SECTION_LIMIT:
            blocks.append({"type": "section", "text": mrkdwn(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append({"type": "section", "block_id": "status_episodes", "text": mrkdwn(chunk)})
    return blocks


def waiting_block(view: SeasonView) -> dict[str, Any] | None:
    """Who still has to approve something."""
    if not view.waiting_on:
        return None
    people = ", ".join(f"<@{u}>" for u in view.waiting_on)
    return {"type": "section", "block_id": "status_waiting", "text": mrkdwn(f":hourglass: *Still to approve*: {people}")}


def blockers_block(view: SeasonView) -> dict[str, Any]:
    """Blockers, or an all-clear."""
    if not view.blockers:
        return {"type": "context", "block_id": "status_blockers", "elements": [mrkdwn(":white_check_mark: No blockers.")]}
    text = ":construction: *Blockers*\n" + "\n".join(f"• {b}" for b in view.blockers)
    return {"type": "section", "block_id": "status_blockers", "text": mrkdwn(text[:SECTION_LIMIT])}


def status_blocks(view: SeasonView, board_attached: bool = True) -> list[dict[str, Any]]:
    """The whole answer."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Status · {view.title}"[:150]}},
        summary_block(view),
        {"type": "divider"},
        *episode_blocks(view),
    ]
    waiting = waiting_block(view)
    if waiting:
        blocks.append(waiting)
    blocks.append(blockers_block(view))
    if view.spend:
        blocks.append({"type": "context", "elements": [mrkdwn(f":moneybag: {view.spend}")]})
    if board_attached:
        blocks.append({"type": "context", "elements": [mrkdwn("The season board (thumbnails, states, release "
                                                             "calendar) is attached below.")]})
    return blocks[:50]


def slack_mention(user: str) -> str:
    """A real Slack mention of a user id (only the adapter writes this syntax)."""
    return f"<@{user}>"
