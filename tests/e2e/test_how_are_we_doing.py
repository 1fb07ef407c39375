"""'How are we doing?' through the real Bolt app over signed HTTP against the Slack emulator: the season funnel's
sentences and its chart PNG land in the thread, and "stop the weekly digest" is answered and recorded.

The season is taken to review through the conversation; its publications and their figures are written into the
database as the publish sweep and the hourly pull would have (both are tested at the use-case level in
tests/app/test_metrics_thread.py), so this test is about the thread's route only and waits on no render.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.settings import Settings
from agent.store.models import AuditEntry, Episode, PostMetric, Publication, Render, Season, Slot
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import MARKETER_ID
from tools.publish_ledger import idempotency_key

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. "
         "8 episodes, 15 seconds each, daily at 6pm New York.")
VIEWS = {"tiktok": (9000, 7400, 6900), "youtube": (2000, 1500, 900)}


def _published_with_figures(stack: LocalStack, season_id: int) -> None:
    """Episodes 1–3 out on TikTok and YouTube a few days ago, each with one reading of its figures."""
    out = datetime.now(UTC) - timedelta(days=5)
    with stack.runtime.context.store.session() as session:
        for number in (1, 2, 3):
            episode = session.scalars(select(Episode).where(Episode.season_id == season_id,
                                                            Episode.number == number)).one()
            render = session.scalars(select(Render).where(Render.episode_id == episode.id)).first()
            assert render is not None  # "lock it" queued the renders
            for platform, views in VIEWS.items():
                slot = Slot(episode_id=episode.id, platform=platform, publish_at=out + timedelta(days=number))
                session.add(slot)
                session.flush()
                publication = Publication(slot_id=slot.id, render_id=render.id, publisher=platform,
                                          idempotency_key=idempotency_key(slot.id, platform), status="PUBLISHED",
                                          external_id=f"{platform}-{number}",
                                          published_at=out + timedelta(days=number))
                session.add(publication)
                session.flush()
                session.add(PostMetric(publication_id=publication.id, platform=platform,
                                       external_id=f"{platform}-{number}", views=views[number - 1],
                                       likes=views[number - 1] // 10, captured_at=datetime.now(UTC)))


def test_how_are_we_doing_answers_with_the_funnel_chart_in_the_thread(tmp_path: Path) -> None:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", CLIFFHANGER_OUTBOX=tmp_path / "outbox",
                        DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None)
    with LocalStack(settings, workers=1) as stack:
        marketer = ScriptedPerson(stack, MARKETER_ID)
        marketer.start(BRIEF, expect="to cast the lead", timeout=120)
        marketer.say("looks good", expect="lock your lead")
        marketer.say("1", expect="lock it")
        marketer.say("lock it", expect="locked. Rendering")  # the conversation is in review from here
        with stack.runtime.context.store.session() as session:
            season_id = session.scalar(select(Season.id).where(Season.thread_ts == marketer.thread_ts))
        assert season_id is not None
        _published_with_figures(stack, season_id)

        uploads_before = len(stack.emulator.calls_to("files.completeUploadExternal"))
        reply = marketer.say("how are we doing?", expect="TikTok", timeout=60)
        assert "YouTube Shorts" in reply["text"] and "Ep 1" in reply["text"]
        chart = stack.emulator.wait_for_call(
            "files.completeUploadExternal", lambda c: "Season funnel" in str(c.params), timeout=30)
        assert chart.params.get("thread_ts") == marketer.thread_ts or marketer.thread_ts in str(chart.params)
        assert len(stack.emulator.calls_to("files.completeUploadExternal")) > uploads_before
        png = next(f for f in reversed(stack.emulator.files()) if f.name.startswith("funnel-season-"))
        assert png.data[:8] == b"\x89PNG\r\n\x1a\n"

        marketer.say("please stop the weekly digest", expect="Weekly digest off")
        with stack.runtime.context.store.session() as session:
            assert session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "digest.off")).one() == \
                MARKETER_ID
