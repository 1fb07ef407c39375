"""The spend gate (agent/services/spend.py): estimates, approvers only, the season cap, measured rates, cancellation
mid-season, actual spend per render."""

from __future__ import annotations

import pytest

from agent.services import spend
from agent.store.models import Approver, Episode, Render, Season


def _season(store, approvers=("U_APPROVER",)) -> int:
    with store.session() as session:
        season = Season(thread_key="T:C:1.0", title="Spend test")
        season.approvers = [Approver(user_id=u) for u in approvers]
        session.add(season)
        session.flush()
        return season.id


def _items(keyframes=40, veo_seconds=300) -> list[spend.LineItem]:
    return [spend.LineItem(kind="keyframe", label="keyframes", units=keyframes, unit="image", unit_usd=0.039,
                           seconds_per_unit=12),
            spend.LineItem(kind="veo", label="Veo clips", units=veo_seconds, unit="second", unit_usd=0.20,
                           seconds_per_unit=10)]


def test_estimate_is_calls_times_prices_and_a_time(store):
    season = _season(store)
    card = spend.propose(store, season, [1, 2, 3], _items(), cap_usd=500, requested_by="U_MARKETER")
    assert card.amount_usd == pytest.approx(40 * 0.039 + 300 * 0.20)
    assert card.minutes == pytest.approx((40 * 12 + 300 * 10) / 60, abs=0.1)
    assert card.status == "PENDING" and card.actionable
    text = "\n".join(card.lines())
    assert "episodes 1–3" in text and "$61.56" in text and "Season budget $500.00" in text
    assert "pass 2" in card.pass_label
    assert "<@" not in text and ":" not in text.split("\n")[0].replace("·", "")  # no channel syntax


def test_only_approvers_decide_and_nothing_runs_before(store):
    season = _season(store)
    card = spend.propose(store, season, [1], _items(), cap_usd=500)
    with pytest.raises(spend.SpendNotApproved, match="waiting for an approver"):
        spend.approved_for(store, season, 1)
    with pytest.raises(spend.NotAnApprover):
        spend.approve(store, card.estimate_id, "U_STRANGER")
    approved = spend.approve(store, card.estimate_id, "U_APPROVER")
    assert approved.status == "APPROVED" and approved.decided_by == "U_APPROVER" and not approved.actionable
    assert spend.approve(store, card.estimate_id, "U_APPROVER").status == "APPROVED"  # idempotent
    assert spend.approved_for(store, season, 1) == card.estimate_id
    with pytest.raises(spend.SpendNotApproved, match="No spend estimate"):
        spend.approved_for(store, season, 2)


def test_season_cap_refuses_with_the_figures(store):
    season = _season(store)
    first = spend.propose(store, season, [1], _items(), cap_usd=100)
    spend.approve(store, first.estimate_id, "U_APPROVER")
    with pytest.raises(spend.BudgetExceeded, match=r"budget is \$100.00 and \$61.56 is already committed"):
        spend.propose(store, season, [2], _items(), cap_usd=100)


def test_spending_stays_within_the_approval_and_stops_on_cancel(store):
    season = _season(store)
    card = spend.propose(store, season, [1, 2], _items(keyframes=2, veo_seconds=8), cap_usd=100)
    spend.approve(store, card.estimate_id, "U_APPROVER")
    spend.authorize(store, card.estimate_id, 0.039)
    spend.record(store, card.estimate_id, 1, "keyframe", 1, 0.039, seconds=10)
    with pytest.raises(spend.BudgetExceeded, match="would pass the approved"):
        spend.authorize(store, card.estimate_id, 5.0)
    spend.cancel(store, card.estimate_id, "U_APPROVER")  # mid-season
    with pytest.raises(spend.SpendNotApproved, match="cancelled"):
        spend.authorize(store, card.estimate_id, 0.039)
    with pytest.raises(spend.SpendNotApproved, match="cancelled"):
        spend.approved_for(store, season, 2)
    assert spend.spent_on(store, card.estimate_id) == pytest.approx(0.039)
    # a cancelled estimate counts against the cap only as far as it was spent
    assert spend.view(store, card.estimate_id).status == "CANCELLED"


def test_actual_spend_per_render_and_measured_rates(store):
    season = _season(store)
    card = spend.propose(store, season, [1], _items(), cap_usd=500)
    spend.approve(store, card.estimate_id, "U_APPROVER")
    spend.record(store, card.estimate_id, 1, "veo", 8, 1.60, seconds=120)  # 15 s per second of video
    spend.record(store, card.estimate_id, 1, "keyframe", 2, 0.078, seconds=20)
    with store.session() as session:
        episode = Episode(season_id=season, number=1, title="One")
        session.add(episode)
        session.flush()
        render = Render(episode_id=episode.id, status="DONE")
        session.add(render)
        session.flush()
        render_id = render.id
    spend.attach_render(store, card.estimate_id, 1, render_id)
    summary = spend.season_spend(store, season, cap_usd=500)
    assert summary.spent_usd == pytest.approx(1.68) and summary.per_episode == {1: pytest.approx(1.678)}
    assert "spent of $61.56 approved" in summary.to_line()
    later = spend.propose(store, season, [2], _items(keyframes=10, veo_seconds=60), cap_usd=500)
    assert later.minutes == pytest.approx((10 * 10 + 60 * 15) / 60, abs=0.1)  # measured, not the defaults
    spend.set_message(store, later.estimate_id, "1700000000.000100")
    assert spend.by_message(store, "1700000000.000100").estimate_id == later.estimate_id
