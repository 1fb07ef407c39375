"""Batch approval: "approve 4–6" asks, "yes, approve 4–6" (or *yes*, or the button) answers, "no" cancels.

The answer words are the batch's own: "confirm" is no longer one of them, because in confirm mode "publish ep 3"
releases an episode and the two must never be mistaken for each other. Each confirmed episode goes through the
same gate as a reaction (`agent.services.batch.confirm_batch` → `vote`), and its events get the same follow-ups —
cards, campaign start, "all approved" — which a batch never had before.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.app import wording
from agent.app.events import BatchAnswered, BatchAsked, Event, Told
from agent.app.followups import deliver, prepare
from agent.app.votes import events_of
from agent.context import AppContext
from agent.ports import BatchQuestion, Notice, Tone
from agent.services.approvals import latest_render
from agent.services.batch import (
    BatchError,
    cancel_batch,
    confirm_batch,
    parse_batch,
    pending_batch,
    request_batch,
)
from agent.services.review import Outcome
from agent.store.models import BatchApproval, ReviewMessage, Season

YES = re.compile(r"^\s*(?:yes|yep|yeah|y|do it|go ahead)\b[\s,.!]*(?:(?:please\s+)?approve\b(?P<rest>.*))?$|"
                 r"^\s*approve them\b[\s.!]*$", re.IGNORECASE)
NO = re.compile(r"^\s*(?:no|nope|cancel|stop|don'?t)\b[\s.!]*(?:(?:the\s+)?batch\b[\s.!]*)?$", re.IGNORECASE)


def ask(app: AppContext, *, season_id: int, user_id: str, numbers: list[int]) -> list[Event]:
    """Record a pending batch and ask the person to answer it; nothing is approved yet."""
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        unseen = _unseen(session, season, numbers)  # nobody approves a cut they could not watch
        try:
            if unseen and not set(numbers) - set(unseen):
                raise BatchError("Nothing to approve: " + "; ".join(_unseen_reason(n) for n in unseen) + ".")
            q = request_batch(session, season, user_id, [n for n in numbers if n not in unseen])
        except BatchError as error:
            return _refused(app, season_id, user_id, error)
        question = BatchQuestion(batch_id=q.batch_id, asker=user_id, episodes=q.episodes,
                                 skipped=[*(_unseen_reason(n) for n in unseen), *q.skipped])
        delivery = prepare(session, [BatchAsked(season_id, question)])
    deliver(app, delivery)
    return delivery.events


def _unseen(session: Session, season: Season, numbers: list[int]) -> list[int]:
    """Requested episodes whose newest render finished but whose card never reached the thread."""
    unseen = []
    for episode in season.episodes:
        render = latest_render(episode) if episode.number in numbers else None
        if render is not None and render.status == "DONE" and session.scalar(
                select(ReviewMessage.id).where(ReviewMessage.render_id == render.id)) is None:
            unseen.append(episode.number)
    return unseen


def _unseen_reason(number: int) -> str:
    return f"Ep {number}'s card never reached the thread (say *post ep {number} again*)"


def answer(app: AppContext, *, batch_id: int, user_id: str, confirm: bool) -> list[Event]:
    """Yes: one approval per episode (each through the gate) and their follow-ups; no: the batch is dropped."""
    with app.store.session() as session:
        batch = session.get(BatchApproval, batch_id)
        if batch is None:
            return []
        season_id, question_ts = batch.season_id, batch.message_ts
        try:
            if confirm:
                decisions = confirm_batch(session, batch_id, user_id)
            else:
                episodes = cancel_batch(session, batch_id, user_id).episodes
        except BatchError as error:
            session.rollback()
            return _refused(app, season_id, user_id, error)
        events: list[Event] = []
        if confirm:
            counted = [d for d in decisions if d.outcome in (Outcome.APPROVED, Outcome.COUNTED)]
            text = _confirmed_text(user_id, counted, [d for d in decisions if d not in counted])
            for decision in counted:
                events += events_of(session, decision, user_id, "batch")
        else:
            text = Notice(template="{who} cancelled the batch approval of Ep " + ", ".join(map(str, episodes)) + ".",
                          users={"who": user_id})
        events.insert(0, BatchAnswered(season_id, batch_id, user_id, confirm, text, question_ts))
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def _confirmed_text(user_id: str, counted: list, refused: list) -> Notice:  # type: ignore[type-arg]
    """"@arjun approved Ep 5, 6 (batch)" plus why any episode could not be approved."""
    if counted:
        template = ("{who} said yes: approval recorded for Ep "
                    + ", ".join(str(d.episode_number) for d in counted) + " (batch).")
    else:
        template = "{who} said yes, but nothing could be approved."
    values: dict[str, str] = {}
    for index, decision in enumerate(refused):
        values[f"r{index}"] = wording.notice_of(decision, decision.outcome.value.replace("_", " ")).plain()
        template += f"\n• Ep {decision.episode_number}: {{r{index}}}"
    return Notice(template=template, users={"who": user_id}, values=values,
                  tone=Tone.SUCCESS if counted else Tone.PLAIN)


def _refused(app: AppContext, season_id: int, user_id: str, reason: BatchError | str) -> list[Event]:
    """A batch that can't be asked or answered: the reason, to the person."""
    event = Told(season_id, user_id, wording.notice_of(reason))
    with app.store.session() as session:
        delivery = prepare(session, [event])
    deliver(app, delivery)
    return delivery.events


def handle_text(app: AppContext, *, season_id: int, user_id: str, text: str) -> list[Event] | None:
    """"approve 4–6" asks; "yes[, approve 4–6]" / "no" answers the person's pending question; None when the text is
    neither (so the conversation handles it)."""
    numbers = parse_batch(text)
    if numbers:
        return ask(app, season_id=season_id, user_id=user_id, numbers=numbers)
    yes, no = YES.match(text), NO.match(text)
    if not (yes or no):
        return None
    with app.store.session() as session:
        batch = pending_batch(session, season_id, user_id)
        batch_id, asked = (batch.id, list(batch.episodes)) if batch else (None, [])
    if batch_id is None:
        return None
    said = parse_batch("approve " + yes.group("rest")) if yes and yes.group("rest") else None
    if said and sorted(said) != sorted(asked):
        return _refused(app, season_id, user_id, "Your open batch question is about Ep "
                        + ", ".join(map(str, asked)) + f" — say *yes, approve {_span(asked)}*, or *no*.")
    return answer(app, batch_id=batch_id, user_id=user_id, confirm=bool(yes))


def _span(numbers: list[int]) -> str:
    """"4–6" for a run, "2, 5" otherwise."""
    numbers = sorted(numbers)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(map(str, numbers))
