"""The one answer to "why isn't this out yet?" for any item — an episode cut or a campaign asset.

First the gate (agent.services.approvals.why_not_approved: finished, current, card in the thread, approvals), then
the release (an episode's slots, confirm mode; an asset's time from its episode's release), then the ledger (a
publication in progress, failed with its next try, or given up with its redacted error). Status answers, the
terminal and the sweep's holds can all ask here instead of each re-deriving a reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.services.approvals import why_not_approved
from agent.services.campaign_publish import asset_publish_at
from agent.store.models import Publication, Render, Slot, utcnow
from tools.publish_ledger import FAILED, GAVE_UP, IN_PROGRESS, MAX_ATTEMPTS, PUBLISHED, as_utc


def _ledger_reason(pub: Publication | None, where: str) -> str | None:
    """What the ledger says about one publication (None: nothing standing in the way there)."""
    if pub is None or pub.status == PUBLISHED:
        return None
    if pub.status == GAVE_UP:
        return f"publishing to {where} gave up ({pub.error}) — fix the cause, then re-schedule the season to retry"
    if pub.status == FAILED:
        then = f"; next try at {as_utc(pub.next_attempt_at):%Y-%m-%d %H:%M} UTC" if pub.next_attempt_at else ""
        return f"publishing to {where} failed (attempt {pub.attempts} of {MAX_ATTEMPTS}: {pub.error}){then}"
    if pub.status == IN_PROGRESS:
        return f"it is being published to {where} right now"
    return None


def why_not_published(session: Session, render: Render, now: datetime | None = None) -> str:
    """'' when the item is out everywhere it should be; otherwise the first reason it isn't, in words."""
    now = as_utc(now or utcnow())
    season = render.episode.season
    pubs = list(session.scalars(select(Publication).where(Publication.render_id == render.id)
                                .order_by(Publication.id)))
    if pubs and all(p.status == PUBLISHED for p in pubs) and not render.is_episode:
        return ""
    if reason := why_not_approved(session, render, season):
        return reason
    if not render.is_episode:
        at = asset_publish_at(session, render)
        if at is None:
            return "its episode isn't scheduled yet (campaign assets go out relative to the episode's release)"
        for pub in pubs:
            if reason := _ledger_reason(pub, pub.publisher):
                return reason
        return f"it goes out at {at:%Y-%m-%d %H:%M} UTC" if at > now else "it is due and goes out on the next sweep"
    slots = list(session.scalars(select(Slot).where(Slot.episode_id == render.episode_id)
                                 .order_by(Slot.publish_at, Slot.platform)))
    if not slots:
        return "it is approved but not scheduled yet — ask me to schedule the season"
    by_slot = {p.slot_id: p for p in pubs}
    for slot in slots:
        pub = by_slot.get(slot.id)
        if pub is not None and pub.status == PUBLISHED:
            continue
        if reason := _ledger_reason(pub, slot.platform):
            return reason
        at = as_utc(slot.publish_at)
        if at > now:
            return f"it is scheduled for {at:%Y-%m-%d %H:%M} UTC on {slot.platform}"
        if slot.mode == "confirm" and slot.confirmed_at is None:
            return f"it was due on {slot.platform} and waits for an approver to release it (confirm mode)"
        return f"it is due on {slot.platform}; the sweep publishes episodes in order, so an earlier one holds it"
    return ""
