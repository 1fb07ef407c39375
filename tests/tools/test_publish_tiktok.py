"""The publish sweep driving the TikTok adapter against the local Content Posting API stand-in, with the publish_id
kept in the database: a worker killed mid-upload, 429s, permanent errors and TikTok's limits."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.store.db import Store
from agent.store.models import Publication, Render, Slot
from integrations.outbox import OutboxPublisher
from integrations.tiktok import TikTokClient, TikTokPublisher
from tests.fakes.tiktok_server import FakeTikTokState, fake_tiktok
from tests.tools.test_publish import CADENCE, EP1_AT, NOW, make_season
from tools.publish import LEASE, RETRY_BACKOFF, publish_due, schedule_season
from tools.publish_ledger import PublicationState
from tools.publish_plan import check_plan

DIRECT, INBOX = "/v2/post/publish/video/init/", "/v2/post/publish/inbox/video/init/"


@pytest.fixture
def api() -> Iterator[FakeTikTokState]:
    with fake_tiktok() as state:
        yield state


def tiktok(api: FakeTikTokState, store: Store, token: str | None = None, **kwargs: object) -> TikTokPublisher:
    client = TikTokClient(token or api.token, base_url=api.base_url, sleep=lambda _: None, max_retries=1)
    return TikTokPublisher(client, PublicationState(store), poll_interval_s=0.01, **kwargs)  # type: ignore[arg-type]


def publication(store: Store) -> Publication:
    with store.session() as s:
        return s.scalars(select(Publication)).one()


def mp4_with_duration(path: Path, seconds: int) -> Path:
    """A file with just ftyp + moov/mvhd (version 0, timescale 1000): enough for the duration check."""
    mvhd_body = struct.pack(">B3xIIII", 0, 0, 0, 1000, seconds * 1000) + b"\x00" * 80
    mvhd = struct.pack(">I4s", 8 + len(mvhd_body), b"mvhd") + mvhd_body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    path.write_bytes(struct.pack(">I4s", 16, b"ftyp") + b"isom\x00\x00\x02\x00" + moov + b"\x00" * 4096)
    return path


def test_worker_killed_between_init_and_upload_posts_once_on_retry(store: Store, settings, api: FakeTikTokState,
                                                                  tmp_path: Path) -> None:
    """A real `cliffhanger publish-due` process is SIGKILLed while its upload hangs; the next sweep (after the lease)
    finds the publish_id in the database, uploads to the same URL, and TikTok ends up with one post."""
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, platforms=("tiktok",), now=NOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLIFFHANGER_", "TIKTOK_"))}
    env.update(CLIFFHANGER_HOME=str(settings.cliffhanger_home), DATABASE_URL=settings.effective_database_url,
               CLIFFHANGER_PUBLISHERS="tiktok", TIKTOK_ACCESS_TOKEN=api.token, TIKTOK_API_BASE_URL=api.base_url)
    cli = [sys.executable, "-m", "agent.cli", "publish-due"]
    release = api.hold_uploads()
    worker = subprocess.Popen([*cli, "--now", EP1_AT.isoformat()], env=env, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert api.upload_arrived.wait(60), "the worker never reached the upload"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        api.upload_gate = None
        release.set()
    pub = publication(store)
    assert (pub.status, pub.external_state["uploaded"]) == ("IN_PROGRESS", False)  # publish_id saved, bytes not
    assert api.count(DIRECT) == 1 and not any(p.complete for p in api.posts.values())
    early = subprocess.run([*cli, "--now", (EP1_AT + LEASE - timedelta(seconds=5)).isoformat()], env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert "published 0" in early.stdout, early.stdout + early.stderr  # the dead worker's lease still holds
    retry = subprocess.run([*cli, "--now", (EP1_AT + LEASE + timedelta(seconds=5)).isoformat()], env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert "published 1" in retry.stdout, retry.stdout + retry.stderr
    assert api.count(DIRECT) == 1 and len(api.posts) == 1  # no second init, no second post
    [post] = api.posts.values()
    assert post.complete
    pub = publication(store)
    assert (pub.status, pub.attempts, pub.external_state["publish_id"]) == ("PUBLISHED", 2, post.publish_id)
    assert pub.location.startswith("https://www.tiktok.com/@beanthere/video/")


def test_rate_limited_then_success_backs_off_between_sweeps(store: Store, api: FakeTikTokState,
                                                            tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, platforms=("tiktok",), now=NOW)
    api.fail_next(DIRECT, status=429, times=2)  # the client's own retry is spent too
    first = publish_due(store, [tiktok(api, store)], EP1_AT)
    assert first.failed == 1 and "rate_limit_exceeded" in first.messages[0].plain
    assert "I'll retry after" in first.messages[0].plain and publication(store).status == "FAILED"
    assert publish_due(store, [tiktok(api, store)], EP1_AT + RETRY_BACKOFF / 2).published == 0  # still backing off
    second = publish_due(store, [tiktok(api, store)], EP1_AT + RETRY_BACKOFF)
    assert second.published == 1 and len(api.posts) == 1 and api.count(DIRECT) == 3


def test_permanent_failure_is_reported_once_with_the_reason(store: Store, api: FakeTikTokState,
                                                            tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    schedule_season(store, sid, CADENCE, platforms=("tiktok",), now=NOW)
    result = publish_due(store, [tiktok(api, store, token="revoked")], EP1_AT + timedelta(days=1))
    [message] = result.messages
    assert "access_token_invalid" in message.plain and "re-schedule" in message.plain
    assert (publication(store).status, publication(store).attempts) == ("GAVE_UP", 1)  # no pointless retries
    later = publish_due(store, [tiktok(api, store, token="revoked")], EP1_AT + timedelta(days=2))
    assert later.messages == [] and len(api.posts) == 0  # episode 2 waits; nothing repeated


def test_posting_cap_falls_back_to_an_inbox_draft(store: Store, api: FakeTikTokState, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=1)
    schedule_season(store, sid, CADENCE, platforms=("tiktok",), now=NOW)
    api.fail_next(DIRECT, status=403, code="spam_risk_too_many_posts")
    result = publish_due(store, [tiktok(api, store)], EP1_AT)
    assert result.published == 1 and api.count(INBOX) == 1
    assert "inbox draft" in result.messages[0].plain and "spam_risk_too_many_posts" in result.messages[0].plain


def test_full_inbox_and_too_long_video_fall_back_to_the_outbox(store: Store, api: FakeTikTokState,
                                                               tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=2)
    with store.session() as s:  # episode 2's render runs 700 s; the account may post 600 s
        long_render = s.scalars(select(Render).order_by(Render.id.desc())).first()
        long_render.video_path = str(mp4_with_duration(tmp_path / "long.mp4", 700))
    schedule_season(store, sid, CADENCE, platforms=("tiktok",), now=NOW)
    api.fail_next(DIRECT, status=403, code="spam_risk_too_many_posts")
    api.fail_next(INBOX, status=403, code="spam_risk_too_many_pending_share")
    outbox = OutboxPublisher(tmp_path / "outbox")
    result = publish_due(store, [tiktok(api, store), outbox], EP1_AT + timedelta(days=1))
    assert result.published == 2 and len(api.posts) == 0
    first, second = (m.plain for m in result.messages)
    assert "spam_risk_too_many_pending_share" in first and "put it in the outbox" in first
    assert "700 s" in second and "at most 600 s" in second and "put it in the outbox" in second
    assert sorted(p.name for p in (tmp_path / "outbox" / f"season-{sid}").glob("ep*")) == ["ep01", "ep02"]


def test_check_plan_warns_before_release_day(store: Store, api: FakeTikTokState, tmp_path: Path) -> None:
    sid = make_season(store, tmp_path, episodes=3)
    with store.session() as s:
        for render in s.scalars(select(Render)):
            render.duration_s = 45.0 if render.input_hash != "in3" else 650.0
    schedule_season(store, sid, CADENCE, platforms=("tiktok", "outbox"), now=NOW)
    publisher = tiktok(api, store, posts_per_day=2)
    warnings = check_plan(store, sid, {"tiktok": publisher, "outbox": OutboxPublisher(tmp_path / "o")})
    text = " | ".join(warnings)
    assert "not audited" in text and "SELF_ONLY" in text
    assert "Ep 3 'Episode 3' runs 650 s but @beanthere may post at most 600 s" in text
    assert "3 tiktok releases fall within 24 h" not in text  # daily cadence: one a day is within the cap
    assert len(warnings) == 2
    with store.session() as s:  # squeeze all three into one evening
        for i, slot in enumerate(s.scalars(select(Slot).where(Slot.platform == "tiktok").order_by(Slot.id))):
            slot.publish_at = EP1_AT + timedelta(minutes=i * 20)
    audited = tiktok(api, store, posts_per_day=2, audited=True)
    [too_long, burst] = check_plan(store, sid, {"tiktok": audited})
    assert "650 s" in too_long
    assert "3 tiktok releases fall within 24 h" in burst and "above the 2 a day @beanthere may post" in burst
    assert "inbox drafts" in burst
