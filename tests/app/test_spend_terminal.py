"""The terminal's side of the spend gate (issue 14): the pass on the card, the estimate, typed approve/cancel."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from agent.ports import ReviewCard, ThreadRef
from agent.services import spend
from agent.services.seasons import thread_key
from agent.store.models import Approver, Season
from integrations.terminal import TerminalChannel, terminal_review_command
from tests.app.conftest import Harness, build_season


def test_card_shows_the_pass_and_identity_figures(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    card = ReviewCard(render_id=1, episode_number=4, title="Spilled", duration_s=12, video_path=tmp_path / "e.mp4",
                      pass_label="Final render", identity_lines=[("Sofia: identity distance 0.41 (lock ≤ 0.50) in "
                                                                 "9/9 shots")], spend_usd=2.5)
    TerminalChannel(console).post_for_review(ThreadRef(channel_id="terminal", thread_ts="t"), card)
    out = console.export_text()
    assert "Final render" in out and "Sofia: identity distance 0.41" in out and "$2.50" in out


def test_typed_approve_and_cancel_spend_decide_like_the_buttons(harness: Harness, tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    harness.app.channel = TerminalChannel(console)
    built = build_season(harness.app.store, tmp_path, episodes=1)
    with harness.app.store.session() as session:
        season = session.get_one(Season, built.season_id)
        season.thread_key = thread_key("local", "terminal", "t1")
        season.channel_id, season.thread_ts = "terminal", "t1"
        season.approvers.append(Approver(user_id="you"))
    item = spend.LineItem(kind="keyframe", label="keyframes", units=3, unit="image", unit_usd=0.04,
                          seconds_per_unit=10)
    view = spend.propose(harness.app.store, built.season_id, [1], [item], cap_usd=50)
    harness.app.channel.ask_spend(ThreadRef(channel_id="terminal", thread_ts="t1"), view)
    assert "approve spend" in console.export_text(clear=False)

    assert terminal_review_command(harness.app, "approve spend", "t1")
    assert spend.view(harness.app.store, view.estimate_id).status == spend.APPROVED
    assert "approved $0.12" in console.export_text(clear=False)
    assert terminal_review_command(harness.app, "cancel spend", "t1")
    assert spend.view(harness.app.store, view.estimate_id).status == spend.CANCELLED
    assert not terminal_review_command(harness.app, "what's next?", "t1")
