"""Storyboard review (issue 13 §7): each episode's approval card comes with its contact sheet.

One short animatic render through the real job (`run_render`), its files put into an artifact store that is not the
render folder, and the card posted by the Slack poster against the emulator: the emulator's record must show the
contact sheet PNG uploaded into the season thread with the card, and the terminal prints where the sheet is.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from rich.console import Console
from sqlalchemy import select

from agent.artifacts import LocalArtifactStore
from agent.bootstrap import continuity_report
from agent.domain import Storyboard
from agent.services.production import plan_renders, post_for_review, run_render
from agent.store.db import Store
from agent.store.models import Render, ReviewMessage, Season
from integrations.slack.app import make_client
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, SlackEmulator
from integrations.slack.poster import SlackReviewChannel
from integrations.terminal import TerminalChannel
from tests.app.conftest import build_season
from tests.production.seed import locked_season
from tools.render.animatic import AnimaticRenderer

pytestmark = pytest.mark.slow


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    """A fresh emulated workspace."""
    with SlackEmulator() as running:
        yield running


def test_the_card_is_posted_with_its_contact_sheet(store: Store, tmp_path: Path, emulator: SlackEmulator) -> None:
    root = emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "new season")
    season_id = locked_season(store, tmp_path, seconds=15, thread_ts=root["ts"])
    with store.session() as session:
        session.get_one(Season, season_id).channel_id = DRAMA_CHANNEL_ID
    [render_id] = plan_renders(store, season_id, [1])
    stored = LocalArtifactStore(tmp_path / "bucket")  # not the render folder: the sheet must really be put there
    channel = SlackReviewChannel(make_client("xoxb-test", emulator.base_url))
    outcome = run_render(store, render_id, backend=AnimaticRenderer(), continuity=continuity_report,
                         artifacts_dir=tmp_path / "art", preset="ultrafast", channel=channel, artifacts=stored)
    assert outcome == "done"

    with store.session() as session:
        render = session.get_one(Render, render_id)
        ref = render.meta["contact_sheet_path"]
        card_ts = session.scalar(select(ReviewMessage.message_ts).where(ReviewMessage.render_id == render_id))
    assert stored.exists(ref) and ref.endswith("ep01_storyboard.png")
    board = Storyboard.model_validate(render.meta["storyboard"])  # the shots a per-shot note will edit
    assert 6 <= len(board.shots) <= 14 and board.episode == 1
    windows = render.meta["windows"]  # where the shots really are: the teaser cuts by them
    assert sorted(windows) == sorted([f"shot{s.number:02d}" for s in board.shots] + ["end"])
    assert (tmp_path / "bucket" / ref).is_file()

    files = emulator.files()
    names = [f.name for f in files]
    assert names == ["ep01-v1.mp4", "ep01-v1-contact-sheet.png"]  # the cut, then its sheet — once each
    sheet = files[1]
    picture = Image.open(io.BytesIO(sheet.data or b""))
    assert picture.format == "PNG" and picture.width > 200 and picture.height > 200  # a real sheet, not a stub
    shared_in = {(channel_id, entry.get("thread_ts")) for kind in sheet.shares.values()
                 for channel_id, entries in kind.items() for entry in entries}
    assert shared_in == {(DRAMA_CHANNEL_ID, root["ts"])}  # into the season thread, just before the card
    shared_at = [float(e["ts"]) for kind in sheet.shares.values() for entries in kind.values() for e in entries]
    assert shared_at and max(shared_at) < float(card_ts)
    card = emulator.message(DRAMA_CHANNEL_ID, card_ts)
    assert card is not None and card.get("thread_ts") == root["ts"] and "review_approve" in str(card.get("blocks"))


def test_the_terminal_prints_where_the_contact_sheet_is(store: Store, tmp_path: Path) -> None:
    season = build_season(store, tmp_path, episodes=1, unposted=(1,))
    sheet = tmp_path / "ep01_storyboard.png"
    Image.new("RGB", (320, 240), (20, 20, 20)).save(sheet)
    with store.session() as session:
        session.get_one(Render, season.render_ids[1]).meta = {"contact_sheet_path": str(sheet)}
    out = io.StringIO()
    post_for_review(store, season.render_ids[1], TerminalChannel(Console(file=out, width=400, color_system=None)))
    assert f"storyboard: {sheet}" in out.getvalue()
