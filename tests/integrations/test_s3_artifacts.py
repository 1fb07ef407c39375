"""The artifact store against a real S3 protocol server (moto in server mode on 127.0.0.1), never a patched client.

Two `S3ArtifactStore`s with different cache folders stand for two machines sharing one bucket: what a render worker
puts, the poster and the publishers on another machine can open.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import select

from agent.artifacts import LocalArtifactStore
from agent.bootstrap import make_artifact_store
from agent.ports import ArtifactStore, PostedMessage, RenderRequest, ReviewCard, ThreadRef
from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import Render
from integrations.outbox import OutboxPublisher
from integrations.s3 import S3ArtifactStore, parse_s3_url


@dataclass
class S3Server:
    """A running local S3 endpoint with one fresh bucket."""

    endpoint: str
    bucket: str

    def client(self) -> Any:
        """A plain boto3 client, independent of the store under test (to check what is really in the bucket)."""
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def keys(self) -> set[str]:
        """Every object key in the bucket."""
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def machine(self, cache: Path, prefix: str = "cliff") -> S3ArtifactStore:
        """One machine's view of the bucket: its own (initially empty) download cache."""
        return S3ArtifactStore(f"s3://{self.bucket}/{prefix}", cache, endpoint_url=self.endpoint)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[S3Server]:
    """moto's threaded server on a free port, with throwaway credentials (no real AWS config is ever read)."""
    from moto.server import ThreadedMotoServer

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        running = S3Server(endpoint=f"http://{host}:{port}", bucket=f"cliff-{uuid.uuid4().hex[:12]}")
        running.client().create_bucket(Bucket=running.bucket)
        yield running
    finally:
        server.stop()


def test_put_open_exists_round_trip(s3: S3Server, tmp_path: Path) -> None:
    source = tmp_path / "ep01.mp4"
    source.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    store = s3.machine(tmp_path / "cache-a")
    ref = store.put(source, "season-1/render-abc/ep01.mp4")
    assert ref == f"s3://{s3.bucket}/cliff/season-1/render-abc/ep01.mp4"
    assert s3.keys() == {"cliff/season-1/render-abc/ep01.mp4"}
    assert store.exists(ref)
    local = store.open_local(ref)
    assert local.read_bytes() == source.read_bytes()
    assert local.is_relative_to(tmp_path / "cache-a") and local.name == "ep01.mp4"  # ffmpeg needs the suffix
    assert store.open_local(ref) == local  # the second read comes from the cache
    assert not list(local.parent.glob("*.part")), "no half-written temp files left behind"
    missing = f"s3://{s3.bucket}/cliff/season-1/render-abc/ep02.mp4"
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.open_local(missing)


def test_a_second_machine_reads_what_the_first_wrote(s3: S3Server, tmp_path: Path) -> None:
    source = tmp_path / "cover.png"
    source.write_bytes(b"\x89PNG first")
    worker, poster = s3.machine(tmp_path / "worker-cache"), s3.machine(tmp_path / "poster-cache")
    ref = worker.put(source, "season-1/render-abc/cover.png")
    assert poster.exists(ref)
    assert not (tmp_path / "poster-cache").exists(), "exists() must not download"
    seen = poster.open_local(ref)
    assert seen.is_relative_to(tmp_path / "poster-cache") and seen.read_bytes() == b"\x89PNG first"
    source.write_bytes(b"\x89PNG second")  # re-uploaded under the same key: the other machine must not serve stale
    assert worker.put(source, "season-1/render-abc/cover.png") == ref
    assert poster.open_local(ref).read_bytes() == b"\x89PNG second"


def test_keys_stay_inside_the_prefix_and_old_local_refs_still_open(s3: S3Server, tmp_path: Path) -> None:
    store = s3.machine(tmp_path / "cache")
    source = tmp_path / "x.txt"
    source.write_text("x")
    with pytest.raises(ValueError):
        store.put(source, "../escape.txt")
    assert store.exists(str(source)) and store.open_local(str(source)) == source  # rows from before the move
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    assert s3.keys() == set()


def test_settings_choose_the_store(s3: S3Server, tmp_path: Path) -> None:
    local = make_artifact_store(Settings(CLIFFHANGER_HOME=tmp_path / "home"))
    assert isinstance(local, LocalArtifactStore)
    rendered = tmp_path / "home" / "artifacts" / "season-1" / "ep01.mp4"
    rendered.parent.mkdir(parents=True)
    rendered.write_bytes(b"video")
    assert local.put(rendered, "season-1/ep01.mp4") == str(rendered.resolve())  # unchanged: a plain path, no copy
    remote = make_artifact_store(Settings(CLIFFHANGER_HOME=tmp_path / "home",
                                          ARTIFACT_STORE_URL=f"s3://{s3.bucket}/team-a",
                                          ARTIFACT_STORE_ENDPOINT_URL=s3.endpoint))
    assert isinstance(remote, S3ArtifactStore)
    ref = remote.put(rendered, "season-1/ep01.mp4")
    assert ref == f"s3://{s3.bucket}/team-a/season-1/ep01.mp4" and s3.keys() == {"team-a/season-1/ep01.mp4"}
    with pytest.raises(ValueError, match="ARTIFACT_STORE_URL"):
        make_artifact_store(Settings(CLIFFHANGER_HOME=tmp_path / "home", ARTIFACT_STORE_URL="ftp://x/y"))


def test_publishers_on_another_machine_get_the_files_from_the_bucket(s3: S3Server, store: Store,
                                                                       tmp_path: Path) -> None:
    from tests.tools.test_publish import CADENCE, EP1_AT, make_season
    from tools.publish import publish_due, schedule_season

    (tmp_path / "worker").mkdir()
    season_id = make_season(store, tmp_path / "worker", episodes=1)
    worker = s3.machine(tmp_path / "worker-cache")
    with store.session() as session:  # the worker put its files in the bucket and kept only the references
        render = session.scalars(select(Render)).one()
        video, cover = Path(render.video_path), Path(render.cover_path)
        render.video_path = worker.put(video, "season-1/render-in1/ep01.mp4")
        render.cover_path = worker.put(cover, "season-1/render-in1/ep01_cover.png")
    expected = video.read_bytes()
    video.unlink()
    cover.unlink()  # the publishing machine has no local copy
    schedule_season(store, season_id, CADENCE, now=EP1_AT - timedelta(days=1))
    outbox = OutboxPublisher(tmp_path / "outbox")
    result = publish_due(store, [outbox], EP1_AT + timedelta(minutes=1),
                         artifacts=s3.machine(tmp_path / "publisher-cache"))
    assert result.published == 1, result.messages
    folder = tmp_path / "outbox" / f"season-{season_id}" / "ep01"
    assert (folder / "video.mp4").read_bytes() == expected
    assert (folder / "cover.png").is_file()


@dataclass
class RecordingChannel:
    """Records review cards (and the bytes of the video each one carried) — what the Slack poster would upload."""

    cards: list[ReviewCard] = field(default_factory=list)
    uploaded: list[bytes] = field(default_factory=list)

    def say(self, thread: ThreadRef, text: str) -> PostedMessage:
        return PostedMessage(channel_id=thread.channel_id, ts=f"9.{len(self.cards)}")

    def update_text(self, message: PostedMessage, text: str) -> None:
        return None

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        self.cards.append(card)
        self.uploaded.append(Path(card.video_path).read_bytes())
        return PostedMessage(channel_id=thread.channel_id, ts=f"1.{len(self.cards)}")


class MustNotRender:
    """A backend for the machine that should hit the cache: rendering again would be the bug."""

    name = "must-not-render"

    def render(self, request: RenderRequest) -> Any:
        raise AssertionError("rendered again although the bucket already holds this render")


@pytest.mark.slow
def test_render_job_puts_files_in_the_bucket_and_another_machine_reuses_them(s3: S3Server, store: Store,
                                                                             tmp_path: Path) -> None:
    from agent.bootstrap import continuity_report
    from agent.services.production import plan_renders, run_render
    from tests.production.seed import locked_season
    from tools.render.local import LocalRenderer

    season_id = locked_season(store, tmp_path, episodes=8, seconds=15)
    [render_id] = plan_renders(store, season_id, [1])
    first: ArtifactStore = s3.machine(tmp_path / "m1-cache")
    outcome = run_render(store, render_id, backend=LocalRenderer(), continuity=continuity_report,
                         artifacts_dir=tmp_path / "m1-art", preset="ultrafast", artifacts=first)
    assert outcome == "done"
    with store.session() as session:
        row = session.get_one(Render, render_id)
        refs = [row.video_path, row.cover_path, row.teaser_path]
        file_hash, input_hash = row.file_hash, row.input_hash
        clone = Render(episode_id=row.episode_id, script_version_id=row.script_version_id, look_id=row.look_id,
                       input_hash=input_hash)  # the same inputs queued again (a re-enqueued job, a re-plan)
        session.add(clone)
        session.flush()
        clone_id = clone.id
    prefix = f"s3://{s3.bucket}/cliff/season-{season_id}/render-{input_hash[:16]}/"
    assert all(ref and ref.startswith(prefix) for ref in refs), refs
    assert {ref.removeprefix(f"s3://{s3.bucket}/") for ref in refs if ref} <= s3.keys()

    channel = RecordingChannel()
    second = s3.machine(tmp_path / "m2-cache")
    outcome = run_render(store, clone_id, backend=MustNotRender(), continuity=continuity_report,
                         artifacts_dir=tmp_path / "m2-art", preset="ultrafast", artifacts=second, channel=channel)
    assert outcome == "cached"
    assert not list((tmp_path / "m2-art").rglob("*.mp4")), "the second machine rendered nothing"
    with store.session() as session:
        again = session.get_one(Render, clone_id)
        assert [again.video_path, again.cover_path, again.teaser_path] == refs
    [card] = channel.cards  # the poster on machine 2 got a local file from its own cache, byte-identical
    assert Path(card.video_path).is_relative_to(tmp_path / "m2-cache")
    assert hashlib.sha256(channel.uploaded[0]).hexdigest() == file_hash
