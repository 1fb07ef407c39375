"""Batch approval ("approve 4–6"): asked by an approver, recorded only after an explicit confirmation.

The request pins the render ids it was asked about: an approval belongs to one render, so an episode re-rendered
between the question and the "yes" is refused (superseded) instead of approving a cut nobody saw — and an episode
whose card never reached the thread (its upload failed) is left out of the question and refused at confirmation. Each episode gets
its own Approval row (via="batch") through the same `vote` as a reaction, so quorum, roles and audit all apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.domain import EpisodeStatus
from agent.ports import Notice
from agent.services.approvals import card_posted, counted_approvers, latest_render, literal
from agent.services.review import Decision, vote
from agent.services.seasons import audit
from agent.store.models import BatchApproval, Season, utcnow

BATCH = re.compile(
    r"^\s*approve\s+(?:all\s+)?(?:of\s+)?(?:eps?\.?|episodes?)?\s*#?"
    r"(?P<spec>\d{1,2}(?:\s*(?:[-–—]|to|through|thru|,|and|&)\s*#?\d{1,2})*)\s*[.!]?\s*$",
    re.IGNORECASE,
)
RANGE = re.compile(r"(\d{1,2})\s*(?:[-–—]|to|through|thru)\s*(\d{1,2})", re.IGNORECASE)


class BatchError(ValueError):
    """A batch request that can't be asked; `notice` is shown to the person in the thread (str(error) is plain)."""

    def __init__(self, message: str | Notice) -> None:
        self.notice = message if isinstance(message, Notice) else literal(message)
        super().__init__(self.notice.plain())


def parse_batch(text: str) -> list[int] | None:
    """"approve 4–6" → [4, 5, 6]; "approve ep 2, 5 and 7" → [2, 5, 7]; anything else → None."""
    match = BATCH.match(text.replace("*", ""))
    if not match:
        return None
    spec = match.group("spec")
    numbers: list[int] = []
    for low, high in RANGE.findall(spec):
        a, b = sorted((int(low), int(high)))
        numbers.extend(range(a, b + 1))
    numbers.extend(int(n) for n in re.findall(r"\d{1,2}", RANGE.sub(" ", spec)))
    return sorted(set(numbers))


@dataclass
class BatchQuestion:
    """What to ask: the pending request and the episodes in it (and those left out, with why)."""

    batch_id: int
    episodes: list[tuple[int, str]]  # (number, title)
    skipped: list[str] = field(default_factory=list)


def request_batch(session: Session, season: Season, user_id: str, numbers: list[int]) -> BatchQuestion:
    """Record a pending batch for the episodes that can be approved now; earlier pending ones of the user lapse."""
    if user_id not in {a.user_id for a in season.approvers}:
        audit(session, season.id, user_id, "review.refused", {"episodes": numbers, "via": "batch",
                                                             "reason": "not_approver"})
        raise BatchError("Only this season's approvers can approve episodes — ask one of them to add you.")
    by_number = {e.number: e for e in season.episodes}
    wanted, skipped, render_ids = [], [], []
    for number in numbers:
        episode = by_number.get(number)
        render = latest_render(episode) if episode else None
        if episode is None:
            skipped.append(f"Ep {number} doesn't exist")
        elif render is None or render.status != "DONE" or episode.status not in (
                EpisodeStatus.IN_REVIEW, EpisodeStatus.RENDERED, EpisodeStatus.CHANGES_REQUESTED,
                EpisodeStatus.APPROVED):
            skipped.append(f"Ep {number} isn't ready for review ({episode.status.lower().replace('_', ' ')})")
        elif not card_posted(session, render):
            skipped.append(f"Ep {number}'s card isn't in the thread yet (say *post ep {number} again*)")
        elif user_id in counted_approvers(session, render, season):
            skipped.append(f"Ep {number} already has your approval")
        else:
            wanted.append((number, episode.title))
            render_ids.append(render.id)
    if not wanted:
        raise BatchError("Nothing to approve: " + "; ".join(skipped) + ".")
    for earlier in session.scalars(select(BatchApproval).where(
            BatchApproval.season_id == season.id, BatchApproval.user_id == user_id,
            BatchApproval.status == "PENDING")):
        earlier.status, earlier.decided_at = "CANCELLED", utcnow()
    batch = BatchApproval(season_id=season.id, user_id=user_id, episodes=[n for n, _ in wanted],
                          render_ids=render_ids)
    session.add(batch)
    session.flush()
    audit(session, season.id, user_id, "review.batch_requested", {"batch": batch.id, "episodes": batch.episodes})
    return BatchQuestion(batch_id=batch.id, episodes=wanted, skipped=skipped)


def pending_batch(session: Session, season_id: int, user_id: str) -> BatchApproval | None:
    """The user's open batch question in this season, if any."""
    return session.scalar(select(BatchApproval).where(
        BatchApproval.season_id == season_id, BatchApproval.user_id == user_id, BatchApproval.status == "PENDING",
    ).order_by(BatchApproval.id.desc()))


def confirm_batch(session: Session, batch_id: int, user_id: str) -> list[Decision]:
    """Record one approval per episode (via="batch"); only the person who asked can confirm, and only once."""
    from agent.store.models import Render

    batch = session.get(BatchApproval, batch_id)
    if batch is None or batch.status != "PENDING":
        raise BatchError("That batch approval was already answered (or replaced by a newer one).")
    if batch.user_id != user_id:
        raise BatchError(Notice(template="Only {asker}, who asked, can confirm this batch approval.",
                                users={"asker": batch.user_id}))
    decisions = []
    for render_id in batch.render_ids:
        render = session.get(Render, render_id)
        if render is not None:
            decisions.append(vote(session, render=render, user_id=user_id, approve=True, via="batch"))
    batch.status, batch.decided_at = "CONFIRMED", utcnow()
    audit(session, batch.season_id, user_id, "review.batch_confirmed", {"batch": batch.id, "episodes": batch.episodes})
    return decisions


def cancel_batch(session: Session, batch_id: int, user_id: str) -> BatchApproval:
    """Drop a pending batch (the asker, or any approver, may cancel)."""
    batch = session.get(BatchApproval, batch_id)
    if batch is None or batch.status != "PENDING":
        raise BatchError("That batch approval was already answered.")
    season = session.get(Season, batch.season_id)
    assert season is not None
    if user_id != batch.user_id and user_id not in {a.user_id for a in season.approvers}:
        raise BatchError("Only an approver can cancel a batch approval.")
    batch.status, batch.decided_at = "CANCELLED", utcnow()
    audit(session, batch.season_id, user_id, "review.batch_cancelled", {"batch": batch.id})
    return batch
