"""Schedule, confirm a release (confirm mode), publish what is due.

Confirm mode's words are its own: an approver presses *Publish* or replies "publish ep 3" (or "release ep 3"); the
batch-approval answer is "yes, approve 4–6". Only approvers may release, and a release is not an approval: the
sweep still re-checks the render's approval when it publishes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent.app import wording
from agent.app.events import (
    Event,
    GaveUp,
    Published,
    PublishFailed,
    ReleaseConfirmed,
    ReleaseDue,
    ReleaseRefused,
    Said,
    Scheduled,
)
from agent.app.followups import deliver, prepare
from agent.context import AppContext
from agent.domain import Cadence
from agent.ports import Notice, Publisher, ReleaseQuestion, Tone
from agent.services.seasons import audit
from agent.store.models import Episode, Season, Slot

RELEASE = re.compile(r"^\s*(?:publish|release)(?:\s+it)?(?:\s+(?:ep(?:isode)?\.?\s*)#?(?P<number>\d{1,2}))?"
                     r"(?:\s+now)?\s*[.!]?\s*$", re.IGNORECASE)


def _finish(app: AppContext, events: list[Event]) -> list[Event]:
    with app.store.session() as session:
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def schedule(app: AppContext, *, season_id: int, actor: str, text: str, cadence: Cadence) -> list[Event]:
    """Book release slots on the cadence the marketer asked for (unlock plan, destination, mode from the text;
    each named platform at its own time). Preflight runs first and is shown in the thread; a finding a platform
    would refuse stops the booking with the reason."""
    from agent.services.scheduling import schedule_from_text

    outcome = schedule_from_text(app.store, season_id, text, cadence=cadence, publishers=app.publishers, actor=actor)
    events: list[Event] = []
    if outcome.ok and outcome.preflight is not None:  # what each destination's rules said, before the booking
        events.append(Said(season_id, Notice(template="{preflight}", values={"preflight": outcome.preflight.to_text()},
                                             tone=Tone.CALENDAR if not outcome.preflight.blocked else Tone.WARNING)))
    return _finish(app, [*events, Scheduled(season_id, outcome.ok, outcome.notice)])


def parse_release(text: str) -> tuple[bool, int | None]:
    """("publish ep 3" → (True, 3)); "publish" → (True, None); anything else → (False, None)."""
    match = RELEASE.match(text)
    if not match:
        return False, None
    return True, int(match.group("number")) if match.group("number") else None


def confirm_release(app: AppContext, *, season_id: int, actor: str, number: int | None = None,
                    slot_ids: list[int] | None = None) -> list[Event]:
    """An approver's go for a due confirm-mode release: the Publish button (its slots) or "publish ep N"."""
    from agent.services.scheduling import awaiting_confirmation, confirm_slot

    with app.store.session() as session:
        waiting = awaiting_confirmation(session, season_id)
        if slot_ids:
            wanted = [s for s in slot_ids if session.get(Slot, s) is not None]
        elif number is not None:
            wanted = [s for s in waiting if session.get_one(Episode, session.get_one(Slot, s).episode_id).number
                      == number]
        else:
            wanted = waiting[:1]
        if not wanted:
            what = f"Ep {number} isn't waiting for a release" if number else "Nothing is waiting for a release"
            events: list[Event] = [ReleaseRefused(season_id, actor, Notice(
                template=f"{what} right now (in confirm mode I ask here when an episode is due)."))]
        else:
            result = confirm_slot(session, wanted[0], actor)
            if not result.ok:
                audit(session, season_id, actor, "slot.confirm_refused", {"slot_ids": wanted, "reason": result.text})
                events = [ReleaseRefused(season_id, actor, result.notice)]
            else:
                events = [ReleaseConfirmed(season_id, actor, result.episode or 0, result.notice, result.slot_ids)]
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def confirm_release_slots(app: AppContext, *, actor: str, slot_ids: list[int]) -> list[Event]:
    """The Publish button: its slots name the season (a click carries no thread to trust)."""
    with app.store.session() as session:
        slot = next((s for s in (session.get(Slot, i) for i in slot_ids) if s is not None), None)
        season_id = session.get_one(Episode, slot.episode_id).season_id if slot is not None else None
    if season_id is None:
        return []
    return confirm_release(app, season_id=season_id, actor=actor, slot_ids=slot_ids)


def release_question(app: AppContext, season_id: int, slot_ids: tuple[int, ...]) -> ReleaseQuestion | None:
    """The confirm-mode question for due slots (episode, when, who can release)."""
    from tools.publish_notices import local_time

    with app.store.session() as session:
        slots = [s for s in (session.get(Slot, i) for i in slot_ids) if s is not None]
        if not slots:
            return None
        episode = session.get_one(Episode, slots[0].episode_id)
        season = session.get_one(Season, episode.season_id)
        return ReleaseQuestion(season_id=season_id, episode_number=episode.number, title=episode.title,
                               when=local_time(season, min(s.publish_at for s in slots)),
                               slot_ids=[s.id for s in slots], approvers=[a.user_id for a in season.approvers])


@dataclass(frozen=True)
class Swept:
    """One sweep: the data core's counts (`result`) and what each thread was told (`events`)."""

    result: Any
    events: list[Event]


def publish_due(app: AppContext, now: datetime, campaign_publishers: Mapping[str, Publisher] | None = None
                ) -> Swept:
    """Run the one publish sweep (episodes and campaign assets through the one ledger) and tell each thread what
    happened through the follow-up step; a due confirm-mode release becomes a question with a Publish button."""
    from agent.sweep import publish_sweep

    result = publish_sweep(app.store, publishers=app.publishers, campaign_publishers=campaign_publishers,
                           now=now, artifacts=app.artifacts)
    events: list[Event] = []
    for message in result.messages:
        kind, text = getattr(message, "kind", "note"), getattr(message, "text", "")
        notice = text if isinstance(text, Notice) else wording.from_text(str(text))
        if kind == "confirm" and (question := release_question(app, message.season_id, message.slot_ids)):
            events.append(ReleaseDue(message.season_id, question))
        elif kind == "published":
            events.append(Published(message.season_id, notice))
        elif kind == "failed":
            events.append(PublishFailed(message.season_id, notice))
        elif kind == "gave_up":
            events.append(GaveUp(message.season_id, notice))
        else:
            events.append(Said(message.season_id, notice))
    return Swept(result, _finish(app, events))
