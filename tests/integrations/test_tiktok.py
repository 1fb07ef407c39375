"""The TikTok adapter against the local Content Posting API stand-in: real HTTP, real client code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.publishers import make_publishers
from integrations.tiktok import JsonFileState, TikTokClient, TikTokError, TikTokPublisher, plan_chunks
from tests.fakes.tiktok_server import MB, FakeTikTokState, fake_tiktok

CREATOR, DIRECT, STATUS = ("/v2/post/publish/creator_info/query/", "/v2/post/publish/video/init/",
                           "/v2/post/publish/status/fetch/")


class SimulatedCrash(BaseException):
    """The process dying (not an Exception: nothing should catch it)."""


@pytest.fixture
def api() -> Iterator[FakeTikTokState]:
    with fake_tiktok() as state:
        yield state


def make_package(tmp_path: Path, size: int = 4096, key: str = "slot1:tiktok") -> PublishPackage:
    video = tmp_path / f"video-{size}.mp4"
    if not video.exists():
        video.write_bytes(bytes(i % 251 for i in range(size)))
    return PublishPackage(
        season_id=1, season_title="Midnight Latte", episode_number=1, episode_title="The Cup",
        video_path=video, cover_path=None, caption="The Cup (Ep 1) — the cup is gone.",
        hashtags=["#BeanThere", "#minidrama"], unlock="free", destination="drama_center",
        publish_at="2026-12-01T23:00:00+00:00", approvals=[{"user": "U_ANNA", "at": "2026-11-30T10:00:00+00:00"}],
        idempotency_key=key)


def make_publisher(api: FakeTikTokState, tmp_path: Path, sleeps: list[float] | None = None,
                   client_cls: type[TikTokClient] = TikTokClient, **kwargs: object) -> TikTokPublisher:
    record = sleeps if sleeps is not None else []
    client = client_cls(api.token, base_url=api.base_url, sleep=record.append, backoff_s=1.0)
    return TikTokPublisher(client, JsonFileState(tmp_path / "state"), poll_interval_s=2.0, **kwargs)  # type: ignore[arg-type]


def test_direct_post_happy_path(api: FakeTikTokState, tmp_path: Path) -> None:
    package = make_package(tmp_path)
    result = make_publisher(api, tmp_path).publish(package)
    [post] = api.posts.values()
    assert post.content() == package.video_path.read_bytes()
    assert post.post_info["privacy_level"] == "SELF_ONLY"  # unaudited app
    assert post.post_info["disable_duet"] is True and post.post_info["brand_organic_toggle"] is True
    assert post.post_info["title"].endswith("#BeanThere #minidrama")
    assert result.location.startswith("https://www.tiktok.com/@beanthere/video/")
    assert [p for _, p in api.calls[:3]] == [CREATOR, DIRECT, "/upload/"]
    # a repeat with the same key is answered from the saved record: no API call at all
    calls = len(api.calls)
    assert make_publisher(api, tmp_path).publish(package) == result
    assert len(api.calls) == calls


def test_rate_limited_init_backs_off_then_succeeds(api: FakeTikTokState, tmp_path: Path) -> None:
    api.fail_next(DIRECT, status=429)
    api.fail_next(STATUS, status=503)
    sleeps: list[float] = []
    make_publisher(api, tmp_path, sleeps).publish(make_package(tmp_path))
    assert api.count(DIRECT) == 2 and len(api.posts) == 1
    assert 1.0 in sleeps  # first backoff step


def test_crash_between_init_and_upload_resumes_with_one_init(api: FakeTikTokState, tmp_path: Path) -> None:
    class DiesOnUpload(TikTokClient):
        def upload(self, *args: object, **kwargs: object) -> None:
            raise SimulatedCrash

    package = make_package(tmp_path)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client_cls=DiesOnUpload).publish(package)
    assert api.count(DIRECT) == 1 and api.count("/upload/") == 0
    result = make_publisher(api, tmp_path).publish(package)  # a fresh process, same state dir
    assert api.count(DIRECT) == 1 and len(api.posts) == 1
    [post] = api.posts.values()
    assert post.complete and result.external_id.startswith("73")


def test_large_file_goes_up_in_chunks(api: FakeTikTokState, tmp_path: Path) -> None:
    package = make_package(tmp_path, size=11 * MB + 123)
    make_publisher(api, tmp_path, chunk_size=5 * MB).publish(package)
    [post] = api.posts.values()
    assert post.source["total_chunk_count"] == 2 and sorted(post.received) == [0, 5 * MB]
    assert post.content() == package.video_path.read_bytes()


def test_plan_chunks_follows_tiktok_rules() -> None:
    assert plan_chunks(1000).ranges == [(0, 999)]
    plan = plan_chunks(23 * MB, 10 * MB)
    assert (plan.chunk_size, plan.total_chunk_count) == (10 * MB, 2)
    assert plan.ranges == [(0, 10 * MB - 1), (10 * MB, 23 * MB - 1)]  # the last chunk takes the remainder


def test_failed_publish_raises_and_the_next_attempt_starts_over(api: FakeTikTokState, tmp_path: Path) -> None:
    api.fail_publishing = True
    package = make_package(tmp_path)
    with pytest.raises(TikTokError, match="file_format_check_failed"):
        make_publisher(api, tmp_path).publish(package)
    api.fail_publishing = False
    make_publisher(api, tmp_path).publish(package)
    assert api.count(DIRECT) == 2


def test_bad_token_is_not_retried(api: FakeTikTokState, tmp_path: Path) -> None:
    client = TikTokClient("wrong", base_url=api.base_url, sleep=lambda _: None)
    with pytest.raises(TikTokError, match="access_token_invalid"):
        client.creator_info()
    assert api.count(CREATOR) == 1


def test_privacy_follows_audit_and_branded_content_rules(api: FakeTikTokState, tmp_path: Path) -> None:
    make_publisher(api, tmp_path, audited=True).publish(make_package(tmp_path))
    assert next(iter(api.posts.values())).post_info["privacy_level"] == "PUBLIC_TO_EVERYONE"
    with pytest.raises(TikTokError, match="cannot be posted SELF_ONLY"):
        make_publisher(api, tmp_path, brand_content=True).publish(make_package(tmp_path, key="slot2:tiktok"))


def test_inbox_draft_and_registry(api: FakeTikTokState, tmp_path: Path) -> None:
    [publisher] = make_publishers(["tiktok"], tiktok_access_token=api.token, tiktok_api_base_url=api.base_url,
                                  tiktok_state_dir=tmp_path / "s", tiktok_mode="inbox")
    assert isinstance(publisher, TikTokPublisher)
    publisher.poll_interval_s = 0.01
    result = publisher.publish(make_package(tmp_path))
    assert api.count("/v2/post/publish/inbox/video/init/") == 1 and result.location.startswith("tiktok:inbox/")
