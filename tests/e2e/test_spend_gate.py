"""Approve spend / Cancel through the real Bolt app over signed HTTP against the Slack emulator (issue 14).

A season is built in the database (no renders run); its final-render estimate is posted by the use case into the
emulator's thread; then people click: a bystander is told privately why not, an approver's click records the
decision, turns the card into its answer (no buttons left), says so in the thread and queues the final renders; Cancel
records the cancellation and queues nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.app import spend as spend_app
from agent.services import spend
from agent.settings import Settings
from agent.store.models import Approver, Season, SpendEstimate
from integrations.demo.local_stack import LocalStack
from integrations.gemini.keyframes import GeminiKeyframes
from integrations.gemini.veo import vertex_client
from integrations.generative.backend import GenerativeBackend
from integrations.generative.settings import GenerativeSettings
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, OTHER_ID
from tests.app.conftest import build_season
from tests.e2e.helpers import wait_until_idle
from tests.fakes.veo_server import FakeVeo

pytestmark = [pytest.mark.xdist_group("e2e")]


@dataclass
class Gate:
    """A season whose final-render estimate card is in the emulator's thread; `queued` collects enqueued renders."""

    stack: LocalStack
    thread_ts: str
    card_ts: str
    queued: list[int]

    def estimate(self) -> tuple[str, str | None]:
        with self.stack.runtime.context.store.session() as session:
            row = session.scalar(select(SpendEstimate))
            assert row is not None
            return row.status, row.decided_by


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Gate]:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None)
    with FakeVeo(size=(288, 512)) as fake, LocalStack(settings, immediate_queue=True) as stack:
        app = stack.runtime.context
        queued: list[int] = []
        app.enqueue_render = queued.append  # the final renders themselves are tested in tests/app/test_spend.py
        cfg = GenerativeSettings(GOOGLE_CLOUD_PROJECT="proj-1", VERTEX_BASE_URL=fake.base_url,
                                 VERTEX_ACCESS_TOKEN=fake.token, motion="camera")
        client = vertex_client("proj-1", "us-central1", base_url=fake.base_url, access_token=fake.token)
        backend = GenerativeBackend(cfg, app.store, GeminiKeyframes(client, sleep=lambda s: None), None)
        app.final_backend = lambda: backend

        root = stack.runtime.context.channel.client.chat_postMessage(  # type: ignore[attr-defined]
            channel=DRAMA_CHANNEL_ID, text="Night Shift — season thread")["ts"]
        built = build_season(app.store, tmp_path, episodes=2, approvers=())
        with app.store.session() as session:
            season = session.get_one(Season, built.season_id)
            season.channel_id, season.thread_ts, season.created_by = DRAMA_CHANNEL_ID, root, MARKETER_ID
            season.approvers = [Approver(user_id=APPROVER_ID)]
            season.final_directly = True  # no animatic approval needed for this test
        spend_app.ask_final(app, season_id=built.season_id, actor=MARKETER_ID)
        card = next(m for m in stack.emulator.messages(DRAMA_CHANNEL_ID, root) if "spend_approve" in str(m))
        assert "Approve spend" in str(card["blocks"]) and "Final render" in str(card["blocks"])
        yield Gate(stack, root, card["ts"], queued)


def test_approve_spend_button_is_for_approvers_and_queues_the_final_renders(gate: Gate) -> None:
    stack = gate.stack
    stack.sender.block_action(OTHER_ID, "spend_approve", None, DRAMA_CHANNEL_ID, gate.card_ts)
    stack.emulator.wait_for_call("chat.postEphemeral", lambda c: c.params.get("user") == OTHER_ID
                                 and "approvers" in c.params["text"], 30)
    wait_until_idle(stack)
    assert gate.estimate() == (spend.PENDING, None) and gate.queued == []

    stack.sender.block_action(APPROVER_ID, "spend_approve", None, DRAMA_CHANNEL_ID, gate.card_ts)
    said = stack.emulator.wait_for(lambda m: "rendering the final cut of Ep 1–2" in str(m.get("text", "")),
                                   30, channel=DRAMA_CHANNEL_ID, thread_ts=gate.thread_ts)
    assert f"<@{APPROVER_ID}>" in said["text"]
    updated = stack.emulator.message(DRAMA_CHANNEL_ID, gate.card_ts)
    assert updated is not None and "spend_approve" not in str(updated["blocks"])
    assert "Approved by" in str(updated["blocks"])
    assert gate.estimate() == (spend.APPROVED, APPROVER_ID)
    assert len(gate.queued) == 2


def test_cancel_button_records_the_cancellation_and_queues_nothing(gate: Gate) -> None:
    stack = gate.stack
    stack.sender.block_action(APPROVER_ID, "spend_cancel", None, DRAMA_CHANNEL_ID, gate.card_ts)
    said = stack.emulator.wait_for(lambda m: "cancelled the spend" in str(m.get("text", "")),
                                   30, channel=DRAMA_CHANNEL_ID, thread_ts=gate.thread_ts)
    assert f"<@{APPROVER_ID}>" in said["text"]
    updated = stack.emulator.message(DRAMA_CHANNEL_ID, gate.card_ts)
    assert updated is not None and "spend_cancel" not in str(updated["blocks"])
    wait_until_idle(stack)
    assert gate.estimate() == (spend.CANCELLED, APPROVER_ID) and gate.queued == []
