"""The YouTube Shorts adapter against the local Data API stand-in: the real google-api-python-client, real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.tiktok.state import JsonFileState
from integrations.youtube import YouTubeClient, YouTubeError, YouTubePublisher, from_settings
from tests.fakes.youtube_server import FakeYouTubeState, fake_youtube

UPLOAD = "/upload/youtube/v3/videos"
KiB = 1024


class SimulatedCrash(BaseException):
    """The process dying mid-upload (not an Exception: nothing should catch it)."""


@pytest.fixture
def api() -> Iterator[FakeYouTubeState]:
    with fake_youtube() as state:
        yield state


def make_package(tmp_path: Path, number: int = 1, size: int = 3000, season_id: int = 1,
                 **extra: object) -> PublishPackage:
    video = tmp_path / f"ep{number}-{size}.mp4"
    video.write_bytes(bytes((i * 7 + number) % 251 for i in range(size)))
    return PublishPackage(
        season_id=season_id, season_title="Midnight Latte", episode_number=number, episode_title=f"The Cup {number}",
        video_path=video, cover_path=None, caption=f"The cup is gone (Ep {number}).", hashtags=["#BeanThere"],
        unlock="free", destination="youtube", publish_at="2026-12-01T23:00:00+00:00", approvals=[],
        idempotency_key=f"slot{number}:youtube:s{season_id}", **extra)  # type: ignore[arg-type]


def make_client(api: FakeYouTubeState, sleeps: list[float] | None = None, **kwargs: object) -> YouTubeClient:
    record = sleeps if sleeps is not None else []
    return YouTubeClient(api.token, base_url=api.base_url, token_uri=f"{api.base_url}/token",
                         sleep=record.append, backoff_s=1.0, **kwargs)  # type: ignore[arg-type]


def make_publisher(api: FakeYouTubeState, tmp_path: Path, client: YouTubeClient | None = None,
                   **kwargs: object) -> YouTubePublisher:
    return YouTubePublisher(client or make_client(api), JsonFileState(tmp_path / "state"), poll_interval_s=0.0,
                            sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


def test_short_goes_up_declared_and_into_the_season_playlist(api: FakeYouTubeState, tmp_path: Path) -> None:
    package = make_package(tmp_path)
    result = make_publisher(api, tmp_path).publish(package)
    [video] = api.videos.values()
    assert video["_bytes"] == package.video_path.read_bytes()
    status, snippet = video["status"], video["snippet"]
    assert status["containsSyntheticMedia"] is True and status["selfDeclaredMadeForKids"] is False
    assert status["privacyStatus"] == "private"  # unaudited project
    assert snippet["title"] == "Midnight Latte Ep 1: The Cup 1 #Shorts" and "#BeanThere" in snippet["description"]
    [playlist] = api.playlists.values()
    assert playlist["snippet"]["title"] == "Midnight Latte"
    assert [i["snippet"]["resourceId"]["videoId"] for i in api.playlist_items] == [video["id"]]
    assert result.location == f"https://www.youtube.com/shorts/{video['id']}"
    calls = len(api.calls)
    assert make_publisher(api, tmp_path).publish(package) == result  # a repeat: no API call at all
    assert len(api.calls) == calls


def test_one_playlist_per_season_even_across_processes(api: FakeYouTubeState, tmp_path: Path) -> None:
    make_publisher(api, tmp_path).publish(make_package(tmp_path, 1))
    make_publisher(api, tmp_path).publish(make_package(tmp_path, 2))  # a fresh publisher finds it by its marker
    make_publisher(api, tmp_path).publish(make_package(tmp_path, 1, season_id=2))
    assert api.count("POST", "/youtube/v3/playlists") == 2 and len(api.playlist_items) == 3
    first = next(iter(api.playlists))
    assert [i["snippet"]["playlistId"] for i in api.playlist_items][:2] == [first, first]


def test_a_season_for_children_says_so(api: FakeYouTubeState, tmp_path: Path) -> None:
    make_publisher(api, tmp_path, audited=True).publish(make_package(tmp_path, made_for_kids=True))
    [video] = api.videos.values()
    assert video["status"]["selfDeclaredMadeForKids"] is True and video["status"]["privacyStatus"] == "public"


def test_chunked_upload_resumes_after_a_crash_without_a_second_video(api: FakeYouTubeState, tmp_path: Path) -> None:
    class DiesAfterFirstChunk(YouTubeClient):
        def upload(self, path: Path, body: dict, **kwargs: object) -> dict:  # type: ignore[override]
            on_session = kwargs["on_session"]

            def crash_after_saving(uri: str) -> None:
                on_session(uri)  # type: ignore[operator]
                api.fail_next("/upload", status=500, times=99)  # the chunk never lands
            kwargs["on_session"] = crash_after_saving
            try:
                return super().upload(path, body, **kwargs)  # type: ignore[arg-type]
            except YouTubeError:
                raise SimulatedCrash from None

    package = make_package(tmp_path, size=600 * KiB)
    crashing = DiesAfterFirstChunk(api.token, base_url=api.base_url, chunk_size=256 * KiB, sleep=lambda _: None,
                                   max_attempts=2)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client=crashing).publish(package)
    api.failures.clear()
    assert api.count("POST", UPLOAD) == 1 and not api.videos
    make_publisher(api, tmp_path, client=make_client(api, chunk_size=256 * KiB)).publish(package)
    assert api.count("POST", UPLOAD) == 1  # the same session went on: no second videos.insert
    [video] = api.videos.values()
    assert video["_bytes"] == package.video_path.read_bytes()


def test_rate_limit_backs_off_with_growing_waits(api: FakeYouTubeState, tmp_path: Path) -> None:
    api.fail_next(UPLOAD, status=429, times=2)
    api.fail_next("/youtube/v3/playlistItems", status=403, reason="userRateLimitExceeded")
    sleeps: list[float] = []
    make_publisher(api, tmp_path, client=make_client(api, sleeps)).publish(make_package(tmp_path))
    assert len(api.videos) == 1 and len(api.playlist_items) == 1
    assert sleeps[:2] == [1.0, 2.0]


def test_quota_exceeded_is_reported_for_a_later_attempt(api: FakeYouTubeState, tmp_path: Path) -> None:
    api.insert_quota = 0
    sleeps: list[float] = []
    with pytest.raises(YouTubeError) as caught:
        make_publisher(api, tmp_path, client=make_client(api, sleeps)).publish(make_package(tmp_path))
    assert caught.value.reason == "quotaExceeded" and caught.value.retryable
    assert sleeps == [] and api.count("POST", UPLOAD) == 1  # no hammering a spent quota


def test_processing_failure_is_reported_and_the_next_attempt_uploads_again(api: FakeYouTubeState,
                                                                          tmp_path: Path) -> None:
    api.fail_processing = "codec"
    package = make_package(tmp_path)
    with pytest.raises(YouTubeError, match="codec") as caught:
        make_publisher(api, tmp_path).publish(package)
    assert not caught.value.retryable and not api.playlist_items
    api.fail_processing = None
    make_publisher(api, tmp_path).publish(package)
    assert api.count("POST", UPLOAD) == 2 and len(api.playlist_items) == 1


def test_expired_token_is_refreshed_or_reported(api: FakeYouTubeState, tmp_path: Path) -> None:
    client = make_client(api)  # holds today's token, no refresh token
    api.expire_token()
    with pytest.raises(YouTubeError) as caught:
        make_publisher(api, tmp_path, client=client).publish(make_package(tmp_path))
    assert caught.value.reason == "token_expired" and not caught.value.retryable
    assert "ya29" not in str(caught.value)
    refreshing = YouTubeClient("stale", refresh_token=api.refresh_token, client_id="cid", client_secret="cs",
                               token_uri=f"{api.base_url}/token", base_url=api.base_url, sleep=lambda _: None)
    make_publisher(api, tmp_path, client=refreshing).publish(make_package(tmp_path, 2))
    assert api.refreshes == 1 and len(api.videos) == 1


def test_statistics_and_quota_books(api: FakeYouTubeState, tmp_path: Path) -> None:
    publisher = make_publisher(api, tmp_path)
    video_id = publisher.publish(make_package(tmp_path)).external_id
    api.set_statistics(video_id, views=1234, likes=56, comments=7)
    assert publisher.post_metrics([video_id, "nope"]) == {video_id: {"views": 1234.0, "likes": 56.0,
                                                                     "comments": 7.0}}
    limits = publisher.limits()
    assert limits["quota_left"] == 99 and limits["units_left"] == 10_000 - api.units_used


def test_registered_as_a_plug_in(api: FakeYouTubeState, tmp_path: Path) -> None:
    from integrations.publishers import make_publishers

    [publisher] = make_publishers(["youtube"], youtube_access_token=api.token, youtube_api_base_url=api.base_url,
                                  youtube_state_dir=tmp_path / "s")
    assert isinstance(publisher, YouTubePublisher)
    with pytest.raises(ValueError, match="YOUTUBE_ACCESS_TOKEN"):
        from_settings(cliffhanger_home=tmp_path)


def test_settings_come_from_the_environment_unless_given(api: FakeYouTubeState, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YOUTUBE_ACCESS_TOKEN", api.token)
    monkeypatch.setenv("YOUTUBE_API_BASE_URL", api.base_url)
    monkeypatch.setenv("YOUTUBE_MADE_FOR_KIDS", "true")
    publisher = from_settings(cliffhanger_home=tmp_path, youtube_made_for_kids=False)  # explicit beats env
    publisher.poll_interval_s = 0.0
    publisher.publish(make_package(tmp_path))
    [video] = api.videos.values()
    assert video["status"]["selfDeclaredMadeForKids"] is False
