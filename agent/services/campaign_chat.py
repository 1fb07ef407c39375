"""The campaign in the thread: replies in, refreshed messages and notes out.

Deterministic parsing on purpose: "Ep 3 quote: use “Put it back”" and "teaser 12 hours before" are commands with
one meaning, and the database (not the model) decides whether they are allowed. `campaign_command` runs before the
conversation graph and returns False when the reply is not about the campaign, so nothing else changes. Votes on a
campaign message (reactions, its buttons) go through the one review use case, agent.app.votes.record_reaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from agent.ports import ReviewChannel, ThreadRef
from agent.services.assets import latest_assets
from agent.services.campaign_publish import (
    asset_publish_at,
    campaign_offsets,
    describe_offset,
    set_campaign_plan,
)
from agent.services.campaign_review import asset_state
from agent.services.review import Decision, Outcome, refresh_cards, vote
from agent.store.db import Store
from agent.store.models import Episode, Season
from tools.campaign.asset import BTS, CAROUSEL, KINDS, LABELS, QUOTE, TEASER, WRITEUP

KIND_WORDS: dict[str, str] = {
    "teaser": TEASER, "clip": TEASER, "carousel": CAROUSEL, "recap": CAROUSEL, "slides": CAROUSEL,
    "quote": QUOTE, "quote graphic": QUOTE, "write-up": WRITEUP, "writeup": WRITEUP, "blog": WRITEUP,
    "newsletter": WRITEUP, "post": WRITEUP, "bts": BTS, "behind the scenes": BTS, "behind-the-scenes": BTS,
}
_KIND = "|".join(sorted((re.escape(k) for k in KIND_WORDS), key=len, reverse=True))
CHANGE = re.compile(rf"^\s*ep(?:isode)?\s*(\d+)\s*(?:'s\s*)?({_KIND})(?:\s+graphic)?\s*[:,—-]\s*(.+)$",
                    re.IGNORECASE | re.DOTALL)
PLAN = re.compile(rf"({_KIND})(?:\s+graphic)?\s+(?:goes\s+out\s+|posts?\s+|at\s+)?"
                  r"(?:(on\s+release)|(\d+(?:\.\d+)?)\s*(h|hours?|d|days?)\s+(before|after))", re.IGNORECASE)
STATUS = re.compile(r"^\s*campaign(?:\s+status)?\??\s*$", re.IGNORECASE)


def parse_plan(text: str) -> dict[str, float]:
    """'teaser 12 hours before, recap 3 days after, quote on release' → {kind: hours from release}."""
    changes: dict[str, float] = {}
    for word, on_release, amount, unit, side in PLAN.findall(text):
        kind = KIND_WORDS[word.lower()]
        if on_release:
            changes[kind] = 0.0
            continue
        hours = float(amount) * (24 if unit.lower().startswith("d") else 1)
        changes[kind] = -hours if side.lower() == "before" else hours
    return changes


def campaign_status(store: Store, season_id: int) -> str:
    """Campaign assets per episode, for status answers ("campaign?")."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        offsets = campaign_offsets(session, season_id)
        lines = ["*Campaign plan:* " + ", ".join(f"{LABELS[k].lower()} {describe_offset(offsets[k])}" for k in KINDS)]
        for episode in season.episodes:
            current = latest_assets(session, episode.id)
            if not current:
                continue
            parts = []
            for kind in KINDS:
                if (asset := current.get(kind)) is not None:
                    at = asset_publish_at(session, asset)
                    when = f" {at:%m-%d %H:%M}" if at else ""
                    parts.append(f"{kind} v{asset.version} {asset_state(session, asset, season).lower()}{when}")
            lines.append(f"• Ep {episode.number}: " + "; ".join(parts))
    return "\n".join(lines) if len(lines) > 1 else lines[0] + "\nNo campaign assets yet (they follow approvals)."


REFUSED = (Outcome.NOT_APPROVER, Outcome.NOT_READY, Outcome.SUPERSEDED, Outcome.ALREADY_PUBLISHED)


def apply_campaign_decision(store: Store, channel: ReviewChannel, decision: Decision, user_id: str,
                            enqueue: Callable[[int], None]) -> None:
    """Refresh the messages that show the assets, tell people what happened, ring the doorbell for new versions."""
    if decision.outcome == Outcome.IGNORED or decision.season_id is None:
        return
    with store.session() as session:
        season = session.get_one(Season, decision.season_id)
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
    refresh_cards(store, channel, decision.refresh_cards)
    for asset_id in decision.enqueue:
        enqueue(asset_id)
    text = decision.notice or decision.message
    if decision.outcome in REFUSED and text:
        channel.notify_user(thread, user_id, text)
    elif text:
        channel.say(thread, text)


def request_change(store: Store, season_id: int, number: int, kind: str, *, user_id: str,
                   note: str) -> Decision | None:
    """"Ep 3 quote: use …" — a change request on one asset through the one gate (None: no such asset yet)."""
    with store.session() as session:
        episode = session.scalar(select(Episode).where(Episode.season_id == season_id, Episode.number == number))
        asset = latest_assets(session, episode.id).get(kind) if episode is not None else None
        if asset is None:
            return None
        return vote(session, render=asset, user_id=user_id, approve=False, via="typed", note=note)


def campaign_command(store: Store, channel: ReviewChannel, enqueue: Callable[[int], None], *, season_id: int,
                     user_id: str, text: str) -> bool:
    """A thread reply about the campaign: a change to one asset, a plan change, or "campaign status"."""
    with store.session() as session:
        season = session.get_one(Season, season_id)
        thread = ThreadRef(channel_id=season.channel_id, thread_ts=season.thread_ts)
        is_approver = user_id in {a.user_id for a in season.approvers}
    if STATUS.match(text):
        channel.say(thread, campaign_status(store, season_id))
        return True
    if match := CHANGE.match(text):
        number, kind, note = int(match.group(1)), KIND_WORDS[match.group(2).lower()], match.group(3).strip()
        decision = request_change(store, season_id, number, kind, user_id=user_id, note=note)
        if decision is None:
            return False  # not a campaign asset (yet): an episode note for the conversation
        apply_campaign_decision(store, channel, decision, user_id, enqueue)
        return True
    changes = parse_plan(text)
    if not changes:
        return False
    if not is_approver:
        channel.notify_user(thread, user_id, "Only this season's approvers can change the campaign plan.")
        return True
    offsets = set_campaign_plan(store, season_id, changes, user_id)
    channel.say(thread, "Campaign plan updated: " + ", ".join(
        f"{LABELS[k].lower()} {describe_offset(offsets[k])}" for k in KINDS) + ". Unpublished assets follow it.")
    return True
