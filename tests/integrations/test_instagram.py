"""The Instagram Reels adapter against the local Graph API stand-in: real HTTP, real client code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.facebook.graph import GraphClient, GraphError
from integrations.instagram import InstagramPublisher, from_settings
from integrations.tiktok.state import JsonFileState
from tests.fakes.facebook_server import (
    IG_USER,
    NO_WAIT,
    FakeGraphState,
    SimulatedCrash,
    fake_graph,
    graph_client,
    reel_package,
)


@pytest.fixture
def api() -> Iterator[FakeGraphState]:
    with fake_graph() as state:
        yield state


def make_package(tmp_path: Path, number: int = 2, **extra: object) -> PublishPackage:
    return reel_package(tmp_path, "instagram", number, size=5000, step=3, caption="Who took the cup?",
                        hashtags=["#BeanThere", "#minidrama"], episode_count=10, **extra)


def make_publisher(api: FakeGraphState, tmp_path: Path, sleeps: list[float] | None = None,
                   client_cls: type[GraphClient] = GraphClient) -> InstagramPublisher:
    return InstagramPublisher(graph_client(api, "Instagram", sleeps, client_cls), IG_USER,
                              JsonFileState(tmp_path / "state"), **NO_WAIT)


def test_reel_is_published_with_part_numbering(api: FakeGraphState, tmp_path: Path) -> None:
    package = make_package(tmp_path)
    result = make_publisher(api, tmp_path).publish(package)
    [container] = api.containers.values()
    assert container["bytes"] == package.video_path.read_bytes()
    assert container["caption"] == "Part 2/10 · Who took the cup?\n\n#BeanThere #minidrama"
    assert container["params"]["share_to_feed"] == "true"
    order = [key for _, key in api.calls]
    assert order[:3] == ["content_publishing_limit", "media", "upload"] and "media_publish" in order
    assert result.location == "https://www.instagram.com/reel/FAKE1/" and api.quota_usage == 1
    calls = len(api.calls)
    assert make_publisher(api, tmp_path).publish(package) == result  # a repeat: no API call at all
    assert len(api.calls) == calls


def test_full_publishing_limit_is_refused_before_booking(api: FakeGraphState, tmp_path: Path) -> None:
    api.quota_usage = api.quota_total = 100
    publisher = make_publisher(api, tmp_path)
    assert publisher.limits()["quota_left"] == 0
    with pytest.raises(GraphError) as caught:
        publisher.publish(make_package(tmp_path))
    assert caught.value.subcode == 2207042 and caught.value.retryable
    assert not api.containers  # nothing booked


def test_rate_limit_backs_off_then_succeeds(api: FakeGraphState, tmp_path: Path) -> None:
    api.fail_next("media", code=4, times=2)
    api.fail_next("upload", code=80002, http_status=429)
    sleeps: list[float] = []
    make_publisher(api, tmp_path, sleeps).publish(make_package(tmp_path))
    assert len(api.containers) == 1 and len(api.media) == 1
    assert sleeps == [1.0, 2.0, 1.0]


def test_processing_error_is_reported_and_the_next_attempt_starts_afresh(api: FakeGraphState,
                                                                         tmp_path: Path) -> None:
    api.fail_processing = "2207026 unsupported video format"
    package = make_package(tmp_path)
    with pytest.raises(GraphError, match="unsupported video format") as caught:
        make_publisher(api, tmp_path).publish(package)
    assert not caught.value.retryable and not api.media
    api.fail_processing = None
    make_publisher(api, tmp_path).publish(package)
    assert len(api.containers) == 2 and len(api.media) == 1


def test_crash_after_creating_the_container_resumes_it(api: FakeGraphState, tmp_path: Path) -> None:
    class DiesOnUpload(GraphClient):
        def upload(self, *args: object, **kwargs: object) -> dict:  # type: ignore[override]
            raise SimulatedCrash

    package = make_package(tmp_path)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client_cls=DiesOnUpload).publish(package)
    make_publisher(api, tmp_path).publish(package)
    assert api.count("media") == 1 and len(api.media) == 1


def test_expired_token_is_not_retried_and_never_echoed(api: FakeGraphState, tmp_path: Path) -> None:
    publisher = make_publisher(api, tmp_path)
    api.expire_token()
    sleeps: list[float] = []
    publisher.client = GraphClient("EAAG-test-token", base_url=api.base_url, sleep=sleeps.append)
    with pytest.raises(GraphError) as caught:
        publisher.publish(make_package(tmp_path))
    assert caught.value.token_expired and not caught.value.retryable and sleeps == []
    assert "EAAG" not in str(caught.value)


def test_insights_and_plug_in(api: FakeGraphState, tmp_path: Path) -> None:
    from integrations.publishers import make_publishers

    [publisher] = make_publishers(["instagram"], instagram_access_token=api.token, instagram_user_id=IG_USER,
                                  instagram_api_base_url=api.base_url, instagram_state_dir=tmp_path / "s")
    assert isinstance(publisher, InstagramPublisher)
    publisher.poll_interval_s = 0.0
    media_id = publisher.publish(make_package(tmp_path)).external_id
    api.insights[media_id] = {"views": 900, "likes": 40, "comments": 3, "shares": 5,
                              "ig_reels_avg_watch_time": 12500}
    figures = publisher.post_metrics([media_id])[media_id]
    assert figures["views"] == 900 and figures["shares"] == 5 and figures["avg_watch_s"] == 12.5
    with pytest.raises(ValueError, match="INSTAGRAM_USER_ID"):
        from_settings(instagram_access_token="x")
