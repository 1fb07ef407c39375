"""The spend gate: no paid generation without an approved estimate recorded in the database.

Why a gate in the database and not in the conversation: a model's memory can be talked into anything; a row with
status APPROVED and an approver's id cannot. The generative backend asks `authorize` before every paid call and
`record`s what it actually spent, so:

- an estimate is calls × unit prices (line items built by the backend plug-in from its settings) plus a time from
  measured rates (past calls' seconds per unit, the plug-in's defaults until there are any);
- a season has a budget cap; an estimate that would take the season past it is refused with the figures;
- only the season's approvers may approve (or cancel) an estimate, once;
- a cancelled estimate stops the spending at the next call (cancellation mid-season: nothing more is spent);
- spending never exceeds the approved amount (the backend stops regenerating and flags instead).

Channel-neutral: the thread card is drawn by the Slack adapter from `SpendCardView`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.store.db import Store
from agent.store.models import Season, SpendEstimate, SpendRecord

PENDING, APPROVED, CANCELLED = "PENDING", "APPROVED", "CANCELLED"
FINAL_PASS_LABEL = "Final render · pass 2 of 2"


class SpendError(RuntimeError):
    """A spend rule refused something; the message is for the thread."""


class BudgetExceeded(SpendError):
    """The estimate (or a call) would take the season past its cap or the approved amount."""


class SpendNotApproved(SpendError):
    """No approved estimate covers this generation (never asked, still pending, or cancelled)."""


class NotAnApprover(SpendError):
    """Someone who is not among the season's approvers tried to decide on spend."""


class LineItem(BaseModel):
    """One kind of paid call: how many units, at what unit price, and how long a unit takes."""

    kind: str  # keyframe | veo | tts | …
    label: str  # "keyframes (Gemini 2.5 Flash Image)"
    units: float = Field(ge=0)
    unit: str  # "image", "second", "line"
    unit_usd: float = Field(ge=0)
    seconds_per_unit: float = Field(ge=0)

    @property
    def amount_usd(self) -> float:
        return round(self.units * self.unit_usd, 4)


class SpendCardView(BaseModel):
    """What the thread shows for an estimate (the adapter adds Approve spend / Cancel buttons while PENDING)."""

    estimate_id: int
    season_id: int
    pass_label: str = FINAL_PASS_LABEL
    episodes: list[int]
    items: list[LineItem]
    amount_usd: float
    minutes: float
    cap_usd: float
    committed_usd: float  # the season's other approved estimates and spend, before this one
    status: str
    requested_by: str = ""
    decided_by: str | None = None

    @property
    def actionable(self) -> bool:
        """Buttons are shown only while the estimate waits for a decision."""
        return self.status == PENDING

    def lines(self) -> list[str]:
        """Plain text lines (no channel syntax): the breakdown, the total, the time, the cap."""
        eps = _episode_range(self.episodes)
        rows = [f"{self.pass_label} — spend estimate for {eps}"]
        rows += [f"• {i.label}: {_units(i.units)} {i.unit}{'s' if i.units != 1 else ''} × ${i.unit_usd:.3f} = "
                 f"${i.amount_usd:,.2f}" for i in self.items]
        rows.append(f"Total ${self.amount_usd:,.2f} · about {_duration(self.minutes)}")
        remaining = self.cap_usd - self.committed_usd
        rows.append(f"Season budget ${self.cap_usd:,.2f}: ${self.committed_usd:,.2f} committed before this, "
                    f"${remaining - self.amount_usd:,.2f} left after it")
        if self.status == APPROVED:
            rows.append(f"Approved by {self.decided_by}")
        elif self.status == CANCELLED:
            rows.append(f"Cancelled by {self.decided_by} — nothing more is spent")
        return rows


class SpendSummary(BaseModel):
    """A season's money for status: approved, actually spent, the cap, and spend per episode."""

    season_id: int
    cap_usd: float
    approved_usd: float
    spent_usd: float
    per_episode: dict[int, float] = Field(default_factory=dict)

    def to_line(self) -> str:
        return (f"Generative spend: ${self.spent_usd:,.2f} spent of ${self.approved_usd:,.2f} approved "
                f"(season budget ${self.cap_usd:,.2f})")


def measured_seconds(session: Session, kind: str) -> float | None:
    """Average wall seconds per unit of past calls of this kind (None before any were measured)."""
    units, seconds = session.execute(select(func.sum(SpendRecord.units), func.sum(SpendRecord.seconds))
                                     .where(SpendRecord.kind == kind, SpendRecord.seconds > 0)).one()
    if not units or not seconds:
        return None
    return float(seconds) / float(units)


def with_measured_rates(session: Session, items: list[LineItem]) -> list[LineItem]:
    """The items with seconds_per_unit replaced by what past calls actually took, where measured."""
    out = []
    for item in items:
        measured = measured_seconds(session, item.kind)
        out.append(item.model_copy(update={"seconds_per_unit": round(measured, 3)}) if measured else item)
    return out


def committed_usd(session: Session, season_id: int, exclude: int | None = None) -> float:
    """Money the season has committed: approved estimates in full, cancelled ones as far as they were spent."""
    total = 0.0
    for estimate in session.scalars(select(SpendEstimate).where(SpendEstimate.season_id == season_id)):
        if estimate.id == exclude:
            continue
        if estimate.status == APPROVED:
            total += estimate.amount_usd
        elif estimate.status == CANCELLED:
            total += _spent(session, estimate.id)
    return round(total, 4)


def propose(store: Store, season_id: int, episodes: list[int], items: list[LineItem], cap_usd: float,
            requested_by: str = "", backend: str = "generative", parallel: int = 1) -> SpendCardView:
    """Record a PENDING estimate (time from measured rates); refused with the figures if it breaks the cap."""
    with store.session() as session:
        if session.get(Season, season_id) is None:
            raise SpendError(f"season {season_id} does not exist")
        items = with_measured_rates(session, items)
        amount = round(sum(i.amount_usd for i in items), 2)
        minutes = round(sum(i.units * i.seconds_per_unit for i in items) / 60 / max(1, parallel), 1)
        committed = committed_usd(session, season_id)
        if committed + amount > cap_usd + 1e-9:
            raise BudgetExceeded(f"This pass would cost about ${amount:,.2f}, but the season's budget is "
                                 f"${cap_usd:,.2f} and ${committed:,.2f} is already committed. Raise the budget or "
                                 "render fewer episodes.")
        estimate = SpendEstimate(season_id=season_id, backend=backend, episodes=sorted(set(episodes)),
                                 calls={"items": [i.model_dump() for i in items]}, amount_usd=amount,
                                 minutes=minutes, cap_usd=cap_usd, status=PENDING, requested_by=requested_by)
        session.add(estimate)
        session.flush()
        return _view(session, estimate)


def decide(store: Store, estimate_id: int, user_id: str, approve: bool) -> SpendCardView:
    """Approve or cancel, by one of the season's approvers. Approving twice is a no-op; a cancelled one stays so."""
    with store.session() as session:
        estimate = _lock(session, estimate_id)
        season = session.get(Season, estimate.season_id)
        if season is None or user_id not in {a.user_id for a in season.approvers}:
            raise NotAnApprover("Only the season's approvers can approve or cancel spend.")
        if estimate.status == CANCELLED:
            if approve:
                raise SpendError("This estimate was cancelled; ask for a new one.")
            return _view(session, estimate)
        if approve and estimate.status == APPROVED:
            return _view(session, estimate)
        if approve:
            committed = committed_usd(session, estimate.season_id, exclude=estimate.id)
            if committed + estimate.amount_usd > estimate.cap_usd + 1e-9:
                raise BudgetExceeded(f"Approving ${estimate.amount_usd:,.2f} would pass the season's budget of "
                                     f"${estimate.cap_usd:,.2f} (${committed:,.2f} already committed).")
        estimate.status = APPROVED if approve else CANCELLED
        estimate.decided_by = user_id
        estimate.decided_at = datetime.now(UTC)
        return _view(session, estimate)


def approve(store: Store, estimate_id: int, user_id: str) -> SpendCardView:
    """The Approve spend button."""
    return decide(store, estimate_id, user_id, approve=True)


def cancel(store: Store, estimate_id: int, user_id: str) -> SpendCardView:
    """The Cancel button (also mid-season: the next paid call is refused)."""
    return decide(store, estimate_id, user_id, approve=False)


def set_message(store: Store, estimate_id: int, message_ts: str) -> None:
    """Remember which message shows the estimate (so a button click or an update finds it)."""
    with store.session() as session:
        _lock(session, estimate_id).message_ts = message_ts


def by_message(store: Store, message_ts: str) -> SpendCardView | None:
    """The estimate a card message shows."""
    with store.session() as session:
        estimate = session.scalar(select(SpendEstimate).where(SpendEstimate.message_ts == message_ts))
        return _view(session, estimate) if estimate else None


def view(store: Store, estimate_id: int) -> SpendCardView:
    """The card view of one estimate."""
    with store.session() as session:
        return _view(session, _lock(session, estimate_id))


def approved_for(store: Store, season_id: int, episode: int) -> int:
    """The id of the newest APPROVED estimate covering this episode; SpendNotApproved otherwise."""
    with store.session() as session:
        estimates = session.scalars(select(SpendEstimate).where(SpendEstimate.season_id == season_id)
                                    .order_by(SpendEstimate.id.desc())).all()
        covering = [e for e in estimates if episode in (e.episodes or [])]
        for estimate in covering:
            if estimate.status == APPROVED:
                return estimate.id
        if any(e.status == PENDING for e in covering):
            raise SpendNotApproved(f"The spend estimate for episode {episode} is waiting for an approver; "
                                   "nothing is generated until it is approved.")
        if covering:
            raise SpendNotApproved(f"The spend for episode {episode} was cancelled; nothing more is generated.")
        raise SpendNotApproved(f"No spend estimate was approved for episode {episode}; ask for one first.")


def authorize(store: Store, estimate_id: int, amount_usd: float) -> None:
    """Before a paid call: the estimate must still be APPROVED and the call must fit in what it approved."""
    with store.session() as session:
        estimate = _lock(session, estimate_id)
        if estimate.status != APPROVED:
            raise SpendNotApproved("The spend for this render was cancelled; nothing more is generated."
                                   if estimate.status == CANCELLED else "This spend estimate is not approved.")
        spent = _spent(session, estimate_id)
        if spent + amount_usd > estimate.amount_usd + 1e-9:
            raise BudgetExceeded(f"The next call (${amount_usd:,.2f}) would pass the approved ${estimate.amount_usd:,.2f} "
                                 f"(${spent:,.2f} spent).")


def record(store: Store, estimate_id: int, episode: int, kind: str, units: float, amount_usd: float,
           seconds: float = 0.0, render_id: int | None = None) -> None:
    """After a paid call: what it cost and how long it took."""
    with store.session() as session:
        estimate = _lock(session, estimate_id)
        session.add(SpendRecord(estimate_id=estimate_id, season_id=estimate.season_id, episode_number=episode,
                                render_id=render_id, kind=kind, units=units, amount_usd=round(amount_usd, 4),
                                seconds=round(seconds, 3)))


def attach_render(store: Store, estimate_id: int, episode: int, render_id: int) -> None:
    """Point an episode's spend rows (recorded before the render row existed) at its render."""
    with store.session() as session:
        for row in session.scalars(select(SpendRecord).where(SpendRecord.estimate_id == estimate_id,
                                                             SpendRecord.episode_number == episode,
                                                             SpendRecord.render_id.is_(None))):
            row.render_id = render_id


def spent_on(store: Store, estimate_id: int, episode: int | None = None) -> float:
    """Money recorded against an estimate (one episode's, or all)."""
    with store.session() as session:
        query = select(func.coalesce(func.sum(SpendRecord.amount_usd), 0.0)).where(
            SpendRecord.estimate_id == estimate_id)
        if episode is not None:
            query = query.where(SpendRecord.episode_number == episode)
        return round(float(session.scalar(query) or 0.0), 4)


def season_spend(store: Store, season_id: int, cap_usd: float) -> SpendSummary:
    """The season's money for status."""
    with store.session() as session:
        approved = sum(e.amount_usd for e in session.scalars(
            select(SpendEstimate).where(SpendEstimate.season_id == season_id, SpendEstimate.status == APPROVED)))
        per_episode: dict[int, float] = {}
        for row in session.scalars(select(SpendRecord).where(SpendRecord.season_id == season_id)):
            per_episode[row.episode_number] = round(per_episode.get(row.episode_number, 0.0) + row.amount_usd, 4)
        return SpendSummary(season_id=season_id, cap_usd=cap_usd, approved_usd=round(approved, 2),
                            spent_usd=round(sum(per_episode.values()), 2), per_episode=per_episode)


def status_line(store: Store, season_id: int) -> str | None:
    """The status answer's spend line ("Generative spend: $4.12 spent of $9.80 approved (season budget $400.00)"),
    against the cap the season's newest estimate was checked with; None before any estimate was asked for."""
    with store.session() as session:
        cap = session.scalar(select(SpendEstimate.cap_usd).where(SpendEstimate.season_id == season_id)
                             .order_by(SpendEstimate.id.desc()).limit(1))
    return None if cap is None else season_spend(store, season_id, float(cap)).to_line()


def _lock(session: Session, estimate_id: int) -> SpendEstimate:
    estimate = session.scalar(select(SpendEstimate).where(SpendEstimate.id == estimate_id).with_for_update())
    if estimate is None:
        raise SpendError(f"spend estimate {estimate_id} does not exist")
    return estimate


def _spent(session: Session, estimate_id: int) -> float:
    return float(session.scalar(select(func.coalesce(func.sum(SpendRecord.amount_usd), 0.0))
                                .where(SpendRecord.estimate_id == estimate_id)) or 0.0)


def _view(session: Session, estimate: SpendEstimate) -> SpendCardView:
    items = [LineItem.model_validate(i) for i in (estimate.calls or {}).get("items", [])]
    return SpendCardView(estimate_id=estimate.id, season_id=estimate.season_id, episodes=list(estimate.episodes),
                         items=items, amount_usd=estimate.amount_usd, minutes=estimate.minutes,
                         cap_usd=estimate.cap_usd,
                         committed_usd=committed_usd(session, estimate.season_id, exclude=estimate.id),
                         status=estimate.status, requested_by=estimate.requested_by,
                         decided_by=estimate.decided_by)


def _episode_range(episodes: list[int]) -> str:
    if not episodes:
        return "no episodes"
    if len(episodes) == 1:
        return f"episode {episodes[0]}"
    if episodes == list(range(episodes[0], episodes[-1] + 1)):
        return f"episodes {episodes[0]}–{episodes[-1]}"
    return "episodes " + ", ".join(map(str, episodes))


def _units(value: float) -> str:
    return f"{value:,.0f}" if math.isclose(value, round(value)) else f"{value:,.1f}"


def _duration(minutes: float) -> str:
    if minutes < 90:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"
