"""The spend gate in the thread: ask for the paid final render, approve or cancel its estimate, and only then render.

What a marketer expects (issue 14): the animatic is free and comes first; once every animatic is approved I post
the estimate for the final render by myself (an estimate costs nothing — money is spent only after an approver
presses *Approve spend*). Anyone may ask earlier for some episodes ("make the final render", "final render ep
1-3"); only the season's approvers may approve or cancel, and a bystander is told privately why. Cancelling an
approved estimate mid-season drops the final renders that have not started; running ones stop at their next paid
call. A season can say "final directly" (creator or approvers) to skip the approved-animatic precondition.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from agent.app.events import Event, Said, SpendAsked, SpendDecided, Told
from agent.app.followups import deliver, prepare
from agent.context import AppContext
from agent.ports import Notice, Tone
from agent.services import final_pass, spend
from agent.services.seasons import audit
from agent.store.models import Season, SpendEstimate

log = logging.getLogger(__name__)
# Whole-message commands only, so a change note that mentions "the final cut" is never taken for a request to pay.
APPROVE = re.compile(r"^\s*(?:yes,?\s*)?approve\s+(?:the\s+)?spend(?:ing)?\s*[.!]?\s*$", re.IGNORECASE)
CANCEL = re.compile(r"^\s*(?:cancel|stop)\s+(?:the\s+)?spend(?:ing)?\s*[.!]?\s*$", re.IGNORECASE)
DIRECT_ON = re.compile(r"^\s*(?:set\s+|use\s+|go\s+)?(?:final\s+(?:render\s+)?directly|skip\s+the\s+animatics?)"
                       r"\s*[.!]?\s*$", re.IGNORECASE)
DIRECT_OFF = re.compile(r"^\s*(?:animatics?\s+first|two\s+passes)\s*[.!]?\s*$", re.IGNORECASE)
FINAL = re.compile(r"^\s*(?:please\s+)?(?:(?:make|do|start|run|render|order|get|go\s+for|let'?s\s+(?:do|make))\s+)?"
                   r"(?:the\s+)?final\s+(?:render|cut|pass)s?"
                   r"(?:\s+(?:for|of))?(?:\s+(?:all|every)(?:\s+episodes)?|\s+(?:ep(?:isode)?s?\.?\s*)?"
                   r"[\d\s,\-–—&and to]+)?(?:\s+(?:now|please))?\s*[.!]?\s*$", re.IGNORECASE)
RANGE = re.compile(r"(\d{1,2})\s*(?:-|–|—|to)\s*(\d{1,2})")
NUMBER = re.compile(r"\b(\d{1,2})\b")
NOT_SET_UP = ("The final render isn't set up here: it needs the generative backend (GOOGLE_API_KEY for keyframes, "
              "GOOGLE_CLOUD_PROJECT for Veo).")


def _finish(app: AppContext, events: list[Event]) -> list[Event]:
    with app.store.session() as session:
        delivery = prepare(session, events)
    deliver(app, delivery)
    return delivery.events


def parse_episodes(text: str) -> list[int] | None:
    """"final render ep 1-8" → 1…8; "ep 2, 5" → [2, 5]; no numbers → None (every eligible episode)."""
    numbers: list[int] = []
    for low, high in RANGE.findall(text):
        numbers += list(range(int(low), int(high) + 1))
    rest = RANGE.sub(" ", text)
    numbers += [int(n) for n in NUMBER.findall(rest)]
    return sorted(set(numbers)) or None


def handle_text(app: AppContext, *, season_id: int, user_id: str, text: str) -> list[Event] | None:
    """A typed spend command (None when the text is not one): approve/cancel spend, final directly, final render."""
    if APPROVE.search(text):
        return decide(app, actor=user_id, approve=True, season_id=season_id)
    if CANCEL.search(text):
        return decide(app, actor=user_id, approve=False, season_id=season_id)
    if DIRECT_ON.search(text):
        return set_final_directly(app, season_id=season_id, actor=user_id, on=True)
    if DIRECT_OFF.search(text):
        return set_final_directly(app, season_id=season_id, actor=user_id, on=False)
    if FINAL.search(text):
        return ask_final(app, season_id=season_id, actor=user_id, numbers=parse_episodes(text))
    return None


def ask_final(app: AppContext, *, season_id: int, actor: str, numbers: list[int] | None = None,
              auto: bool = False) -> list[Event]:
    """Estimate the final render of the eligible episodes and post it for an approver (nothing is spent yet).

    `auto` (after every animatic is approved) stays quiet when there is nothing to ask: no backend, nothing
    eligible, or an estimate already waiting.
    """
    if app.final_backend is None:
        return [] if auto else _finish(app, [Said(season_id, Notice(template=NOT_SET_UP))])
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        waiting = session.scalar(select(SpendEstimate.id).where(SpendEstimate.season_id == season_id,
                                                                SpendEstimate.status == spend.PENDING))
        ready, skipped = final_pass.eligible(session, season, numbers)
    if waiting is not None:
        return [] if auto else _finish(app, [Said(season_id, Notice(
            template="A spend estimate is already waiting just above — an approver can press *Approve spend* "
                     "(or say *approve spend*), or *cancel spend*."))])
    if not ready:
        if auto:
            return []
        why = "; ".join(f"Ep {n}: {reason}" for n, reason in sorted(skipped.items())) or "no episodes yet"
        return _finish(app, [Said(season_id, Notice(
            template="No episode is ready for the final render ({why}). The animatic is approved first — or say "
                     "*final directly* to skip that.", values={"why": why}))])
    try:
        backend = app.final_backend()
        from agent.services.production import build_request

        samples = final_pass.sample_render_ids(app.store, season_id, ready)
        ready = [n for n in ready if n in samples]
        requests = [build_request(app.store, samples[n], app.settings.artifacts_dir, app.settings.render_preset,
                                  app.artifacts) for n in ready]
        items = backend.estimate_items(requests)
        cap = float(getattr(backend, "season_budget_usd", 0.0))
        view = spend.propose(app.store, season_id, ready, items, cap_usd=cap, requested_by=actor)
    except spend.BudgetExceeded as error:  # said in the thread: everyone deciding on money should see it
        return _finish(app, [Said(season_id, Notice(template="{why}", values={"why": str(error)},
                                                     tone=Tone.WARNING))])
    except (ValueError, spend.SpendError) as error:  # a missing key or setting, named without secrets
        log.warning("final render estimate for season %s failed: %s", season_id, error)
        if auto:
            return []  # not set up here: the animatic stays the season's cut, nobody asked for more
        return _finish(app, [Said(season_id, Notice(template=NOT_SET_UP + " ({why})", values={"why": str(error)},
                                                     tone=Tone.WARNING))])
    with app.store.session() as session:
        audit(session, season_id, actor, "spend.proposed", {"estimate": view.estimate_id, "episodes": ready,
                                                            "amount_usd": view.amount_usd, "auto": auto})
    events: list[Event] = [SpendAsked(season_id, view)]
    if skipped:
        left = ", ".join(f"Ep {n} ({reason})" for n, reason in sorted(skipped.items()))
        events.append(Said(season_id, Notice(template="Not in this estimate: {left}.", values={"left": left})))
    return _finish(app, events)


def _estimate_for(app: AppContext, season_id: int, approve: bool) -> int | None:
    """The estimate a typed "approve spend" / "cancel spend" means: the newest waiting one (cancel: or approved)."""
    wanted = (spend.PENDING,) if approve else (spend.PENDING, spend.APPROVED)
    with app.store.session() as session:
        return session.scalar(select(SpendEstimate.id).where(SpendEstimate.season_id == season_id,
                                                             SpendEstimate.status.in_(wanted))
                              .order_by(SpendEstimate.id.desc()).limit(1))


def decide(app: AppContext, *, actor: str, approve: bool, estimate_id: int | None = None,
           season_id: int | None = None) -> list[Event]:
    """Approve spend / Cancel (a button names its estimate; typed words mean the season's newest one).

    Approving records the decision, then queues the final renders — never the other way round.
    """
    if estimate_id is None and season_id is not None:
        estimate_id = _estimate_for(app, season_id, approve)
        if estimate_id is None:
            what = "waiting for approval" if approve else "to cancel"
            return _finish(app, [Told(season_id, actor, Notice(template=f"There is no spend estimate {what}. "
                                                                        "Say *make the final render* to get one."))])
    if estimate_id is None:
        return []
    with app.store.session() as session:
        row = session.get(SpendEstimate, estimate_id)
        if row is None:
            return []
        season_id, message_ts = row.season_id, row.message_ts
    try:
        view = spend.decide(app.store, estimate_id, actor, approve)
    except spend.NotAnApprover as error:
        with app.store.session() as session:
            audit(session, season_id, actor, "spend.refused", {"estimate": estimate_id, "approve": approve})
        return _finish(app, [Told(season_id, actor, Notice(template="{why}", values={"why": str(error)}))])
    except spend.BudgetExceeded as error:
        return _finish(app, [Said(season_id, Notice(template="{why}", values={"why": str(error)},
                                                     tone=Tone.WARNING))])
    except spend.SpendError as error:
        return _finish(app, [Told(season_id, actor, Notice(template="{why}", values={"why": str(error)}))])
    if approve:
        render_ids = final_pass.plan_final_renders(app.store, season_id, view.episodes, estimate_id)
        for render_id in render_ids:
            app.enqueue_render(render_id)
        text = Notice(template=f"{{who}} approved ${view.amount_usd:,.2f} — rendering the final cut of "
                               f"{_eps(view.episodes)}. Each comes back here as a *Final render* card to approve "
                               "before it is published.", users={"who": actor}, tone=Tone.SUCCESS)
    else:
        render_ids = []
        dropped = final_pass.drop_queued_finals(app.store, estimate_id)
        kept = f" {_eps(dropped)} keep their approved animatic." if dropped else ""
        text = Notice(template="{who} cancelled the spend — nothing more is spent." + kept, users={"who": actor},
                      tone=Tone.WARNING)
    with app.store.session() as session:
        audit(session, season_id, actor, "spend.approved" if approve else "spend.cancelled",
              {"estimate": estimate_id, "renders": render_ids})
    return _finish(app, [SpendDecided(season_id, view, actor, text, message_ts, tuple(render_ids))])


def set_final_directly(app: AppContext, *, season_id: int, actor: str, on: bool) -> list[Event]:
    """The season setting "final directly" (creator or approvers only)."""
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        if actor != season.created_by and actor not in {a.user_id for a in season.approvers}:
            audit(session, season_id, actor, "season.final_directly_refused", {"on": on})
            events: list[Event] = [Told(season_id, actor, Notice(
                template="Only the season's creator or an approver can change how the final render runs."))]
        else:
            season.final_directly = on
            audit(session, season_id, actor, "season.final_directly", {"on": on})
            events = [Said(season_id, Notice(template=(
                "Final directly: the final render can be asked for without approving the animatic first (the "
                "spend still needs an approver)." if on else
                "Two passes: the final render runs only for an approved animatic."), tone=Tone.SUCCESS))]
    return _finish(app, events)


def _eps(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Ep {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"Ep {numbers[0]}–{numbers[-1]}"
    return "Ep " + ", ".join(map(str, numbers))
