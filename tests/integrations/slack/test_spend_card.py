"""The spend card and a final render's review card as the emulator stores them (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import ReviewCard, ThreadRef
from agent.services.spend import APPROVED, PENDING, LineItem, SpendCardView
from integrations.slack.app import make_client
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, SlackEmulator
from integrations.slack.poster import SlackReviewChannel


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


def view(status: str = PENDING, decided_by: str | None = None) -> SpendCardView:
    item = LineItem(kind="keyframe", label="keyframes (Gemini 2.5 Flash Image)", units=12, unit="image",
                    unit_usd=0.039, seconds_per_unit=15)
    return SpendCardView(estimate_id=7, season_id=1, episodes=[1, 2, 3], items=[item], amount_usd=0.47, minutes=3,
                         cap_usd=400, committed_usd=0, status=status, decided_by=decided_by)


def test_estimate_has_buttons_until_decided_then_says_who(emulator: SlackEmulator) -> None:
    root = emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "new season")
    channel = SlackReviewChannel(make_client("xoxb-test", emulator.base_url))
    posted = channel.ask_spend(ThreadRef(channel_id=DRAMA_CHANNEL_ID, thread_ts=root["ts"]), view())
    blocks = str(emulator.message(DRAMA_CHANNEL_ID, posted.ts)["blocks"])  # type: ignore[index]
    assert "Approve spend" in blocks and "spend_cancel" in blocks and "episodes 1–3" in blocks
    assert "12 images × $0.039 = $0.47" in blocks and "Season budget $400.00" in blocks

    channel.update_spend(posted, view(APPROVED, APPROVER_ID))
    blocks = str(emulator.message(DRAMA_CHANNEL_ID, posted.ts)["blocks"])  # type: ignore[index]
    assert "spend_approve" not in blocks and f"Approved by <@{APPROVER_ID}>" in blocks


def test_final_render_card_shows_the_pass_identity_and_spend(emulator: SlackEmulator, tmp_path: Path) -> None:
    from integrations.slack.blocks.review_card import review_card_blocks

    card = ReviewCard(render_id=3, episode_number=2, title="Spilled", duration_s=14, video_path=tmp_path / "x.mp4",
                      pass_label="Final render", identity_flagged=True, spend_usd=1.234,
                      identity_lines=[("Sofia: identity distance 0.62 (lock ≤ 0.50) in 2/3 shots — over the lock in "
                                      "shot02 (0.62)"), "Marco: identity distance 0.31 (lock ≤ 0.50) in 1/1 shots"])
    text = str(review_card_blocks(card))
    assert "*Final render*" in text and ":warning: Sofia: identity distance 0.62" in text
    assert "Marco: identity distance 0.31" in text and ":warning: Marco" not in text and "$1.23" in text
    assert "*Animatic*" in str(review_card_blocks(card.model_copy(update={"pass_label": "Animatic",
                                                                          "identity_lines": [], "spend_usd": None})))
