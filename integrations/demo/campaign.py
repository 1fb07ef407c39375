"""The demo's campaign steps: plan the surround assets of every approved episode on the queue, approve them in the
thread (one change request on a quote graphic on the way), and publish what is still due after the last episode.

Kept out of demo.py so the walking skeleton's script reads the same; it runs on the same LocalStack.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.services.approvals import counted_approvers
from agent.services.assets import latest_assets
from agent.services.campaign_publish import DEFAULT_OFFSETS_H, asset_publish_at, campaign_offsets
from agent.services.campaign_review import asset_state
from agent.store.models import EPISODE, Episode, Publication, Render, ReviewMessage, Season
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.blocks.campaign_card import CAMPAIGN_APPROVE_ACTION
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID
from tools.campaign.asset import KINDS, QUOTE

CHANGED_EPISODE = 2


def _unapproved_messages(stack: LocalStack, season_id: int) -> list[tuple[str, list[int]]]:
    """(ts, asset ids) of campaign messages whose current assets still lack the approver's :+1:."""
    store = stack.runtime.context.store
    with store.session() as session:
        season = session.get_one(Season, season_id)
        shown: dict[str, list[int]] = {}
        for row in session.scalars(select(ReviewMessage).join(Render, Render.id == ReviewMessage.render_id)
                                   .join(Episode).where(Episode.season_id == season_id,
                                                        ReviewMessage.kind != EPISODE)
                                   .order_by(ReviewMessage.id)):
            shown.setdefault(row.message_ts, []).append(row.render_id)
        out = []
        for ts, ids in shown.items():
            assets = [session.get_one(Render, i) for i in ids]
            if any(asset_state(session, a, season) == "IN_REVIEW" and
                   APPROVER_ID not in counted_approvers(session, a, season) for a in assets):
                out.append((ts, ids))
        return out


def _wait_posted(stack: LocalStack, season_id: int, console: Console, timeout: float) -> int:
    """Wait until every approved episode's current assets are generated and posted; returns the asset count."""
    store = stack.runtime.context.store
    deadline = time.monotonic() + timeout
    shown = -1
    while True:
        with store.session() as session:
            episodes = list(session.scalars(select(Episode).where(Episode.season_id == season_id)))
            current = [a for ep in episodes for a in latest_assets(session, ep.id).values()]
            posted = [a for a in current if a.card_ts and not a.card_ts.startswith("posting:")]
            failed = [a for a in current if a.status == "FAILED"]
        if len(posted) != shown:
            shown = len(posted)
            console.print(f"  [cyan]campaign assets generated and posted: {shown}/{len(current)}[/]")
        if failed:
            raise RuntimeError(f"campaign asset(s) failed: {[(a.id, a.kind, a.error) for a in failed]}")
        if current and len(posted) == len(current):
            return len(current)
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(posted)}/{len(current)} campaign assets were posted in {timeout:.0f}s")
        time.sleep(0.5)


def _approve_all(stack: LocalStack, season_id: int) -> int:
    """The approver approves every campaign message still waiting for them, over signed HTTP like in Slack: the
    first with the Approve button, the rest with :+1: reactions."""
    pending = _unapproved_messages(stack, season_id)
    for index, (ts, _ids) in enumerate(pending):
        if index == 0:
            stack.sender.block_action(APPROVER_ID, CAMPAIGN_APPROVE_ACTION, None, DRAMA_CHANNEL_ID, ts)
        else:
            stack.sender.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, ts)
    deadline = time.monotonic() + 60
    while _unapproved_messages(stack, season_id) and time.monotonic() < deadline:
        time.sleep(0.2)  # the listeners run after the ack
    return len(pending)


def run_campaign(stack: LocalStack, season_id: int, console: Console) -> None:
    """Generate, post and approve the campaign of every approved episode."""
    context, queue = stack.runtime.context, stack.runtime.queue
    console.print("[bold]6. Surround-sound campaign[/] (teaser · recap carousel · quote · write-up · BTS)")
    planned = queue.campaign_tick_now()
    console.print(f"  planned {len(planned)} campaign assets on the queue")
    _wait_posted(stack, season_id, console, timeout=300)
    console.print(f"  Arjun :+1: on {_approve_all(stack, season_id)} campaign messages")
    with context.store.session() as session:
        thread_ts = session.get_one(Season, season_id).thread_ts
    reviewer = ScriptedPerson(stack, APPROVER_ID, thread_ts=thread_ts)  # a thread reply, through Slack
    reviewer.say(f"Ep {CHANGED_EPISODE} quote: use line 2", expect="Redoing the Ep", timeout=60)
    console.print(f"  Arjun: “Ep {CHANGED_EPISODE} quote: use line 2” → only that quote graphic is regenerated")
    _wait_posted(stack, season_id, console, timeout=120)
    console.print(f"  Arjun :+1: on {_approve_all(stack, season_id)} re-posted asset(s)")


def finish_campaign(stack: LocalStack, season_id: int, last_release: datetime, console: Console) -> None:
    """One more sweep after the last episode's latest campaign slot (recaps go out days after release)."""
    store = stack.runtime.context.store
    with store.session() as session:
        latest = max(campaign_offsets(session, season_id).values(), default=max(DEFAULT_OFFSETS_H.values()))
    now = last_release + timedelta(hours=latest, minutes=1)
    result = stack.runtime.publish_due(now)
    with store.session() as session:
        total = session.scalar(select(func.count(Publication.id)).join(Render, Render.id == Publication.render_id)
                               .where(Render.kind != EPISODE, Publication.status == "PUBLISHED"))
    console.print(f"  simulated clock {now:%Y-%m-%d %H:%M} UTC: last campaign sweep "
                  f"({result.published} episodes left); {total} campaign assets published to the outbox in all")


def campaign_report(session: Session, episode: Episode) -> list[dict[str, Any]]:
    """report.json's per-episode "campaign": each current asset, its state, files, time and outbox folder."""
    season = episode.season
    out = []
    current = latest_assets(session, episode.id)
    for kind in KINDS:
        asset = current.get(kind)
        if asset is None:
            continue
        publication = session.scalar(select(Publication).where(
            Publication.render_id == asset.id, Publication.status == "PUBLISHED"))
        at = asset_publish_at(session, asset)
        out.append({
            "kind": kind, "version": asset.version, "status": asset_state(session, asset, season),
            "files": asset.files, "text": asset.text if kind != QUOTE else asset.text[:300],
            "publish_at": at.isoformat() if at else None,
            "approved_by": counted_approvers(session, asset, season),
            "lint": asset.lint, "outbox": publication.location if publication else None,
        })
    return out
