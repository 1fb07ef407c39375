"""The Facebook Reels adapter against the local Graph API stand-in: real HTTP, real client code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.facebook import FacebookPublisher, GraphClient, GraphError
from integrations.facebook.captions import reel_caption
from integrations.tiktok.state import JsonFileState
from tests.fakes.facebook_server import (
    NO_WAIT,
    PAGE,
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


def make_package(tmp_path: Path, number: int = 1) -> PublishPackage:
    return reel_package(tmp_path, "facebook", number, size=7000, step=5, caption="The cup is gone.",
                        hashtags=["#BeanThere"])


def make_publisher(api: FakeGraphState, tmp_path: Path, sleeps: list[float] | None = None,
                   client_cls: type[GraphClient] = GraphClient) -> FacebookPublisher:
    return FacebookPublisher(graph_client(api, "Facebook", sleeps, client_cls), PAGE,
                             JsonFileState(tmp_path / "state"), **NO_WAIT)


def test_reel_start_upload_finish(api: FakeGraphState, tmp_path: Path) -> None:
    package = make_package(tmp_path)
    result = make_publisher(api, tmp_path).publish(package)
    [reel] = api.reels.values()
    assert reel["bytes"] == package.video_path.read_bytes() and reel["finished"]
    assert reel["description"] == reel_caption(package) and reel["description"].startswith("Part 1 · ")
    assert [k for _, k in api.calls][:4] == ["video_reels", "upload", "video_reels", "status"]
    assert result.location == f"https://www.facebook.com/reel/{reel['id']}"
    calls = len(api.calls)
    assert make_publisher(api, tmp_path).publish(package) == result
    assert len(api.calls) == calls


def test_crash_mid_upload_resumes_the_same_reel(api: FakeGraphState, tmp_path: Path) -> None:
    class DiesOnUpload(GraphClient):
        def upload(self, *args: object, **kwargs: object) -> dict:  # type: ignore[override]
            raise SimulatedCrash

    package = make_package(tmp_path)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client_cls=DiesOnUpload).publish(package)
    make_publisher(api, tmp_path).publish(package)
    [reel] = api.reels.values()  # one start only
    assert reel["finished"] and reel["bytes"] == package.video_path.read_bytes()


def test_rate_limited_finish_backs_off(api: FakeGraphState, tmp_path: Path) -> None:
    api.fail_next("video_reels", code=32, times=1)
    sleeps: list[float] = []
    make_publisher(api, tmp_path, sleeps).publish(make_package(tmp_path))
    assert sleeps == [1.0] and len(api.reels) == 1


def test_processing_failure_is_reported(api: FakeGraphState, tmp_path: Path) -> None:
    api.fail_processing = "video too long for a Reel"
    with pytest.raises(GraphError, match="too long") as caught:
        make_publisher(api, tmp_path).publish(make_package(tmp_path))
    assert not caught.value.retryable


def test_expired_token(api: FakeGraphState, tmp_path: Path) -> None:
    sleeps: list[float] = []
    publisher = make_publisher(api, tmp_path, sleeps)  # holds the token that is about to expire
    api.expire_token()
    with pytest.raises(GraphError) as caught:
        publisher.publish(make_package(tmp_path))
    assert caught.value.code == 190 and not caught.value.retryable and sleeps == []


def test_plays_and_plug_in(api: FakeGraphState, tmp_path: Path) -> None:
    from integrations.publishers import make_publishers

    [publisher] = make_publishers(["facebook"], facebook_page_token=api.token, facebook_page_id=PAGE,
                                  facebook_api_base_url=api.base_url, facebook_state_dir=tmp_path / "s")
    assert isinstance(publisher, FacebookPublisher)
    publisher.poll_interval_s = 0.0
    video_id = publisher.publish(make_package(tmp_path)).external_id
    api.insights[video_id] = {"blue_reels_play_count": 321, "post_video_avg_time_watched": 8000}
    assert publisher.post_metrics([video_id]) == {video_id: {"views": 321.0, "avg_watch_s": 8.0}}
    assert publisher.limits()["max_duration_s"] == 90


def test_crash_right_after_finish_sends_no_second_finish(api: FakeGraphState, tmp_path: Path) -> None:
    class DiesAfterFinish(GraphClient):
        def call(self, method: str, path: str, params: dict | None = None) -> dict:  # type: ignore[override]
            found = super().call(method, path, params)
            if (params or {}).get("upload_phase") == "finish":
                raise SimulatedCrash
            return found

    package = make_package(tmp_path)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client_cls=DiesAfterFinish).publish(package)
    finishes = api.count("video_reels")
    make_publisher(api, tmp_path).publish(package)
    assert api.count("video_reels") == finishes  # resumed by asking the status, not by finishing twice
    [reel] = api.reels.values()
    assert reel["finished"]


def test_slow_processing_gives_up_after_the_poll_bound_and_the_next_attempt_resumes(
        api: FakeGraphState, tmp_path: Path) -> None:
    package, waits = make_package(tmp_path), list[float]()
    api.processing_polls = 5
    slow = FacebookPublisher(graph_client(api, "Facebook"), PAGE, JsonFileState(tmp_path / "state"),
                             poll_interval_s=2.0, poll_timeout_s=4.0, sleep=waits.append)
    with pytest.raises(GraphError) as raised:
        slow.publish(package)
    assert raised.value.retryable and "not published after 4 s" in str(raised.value)
    assert waits == [2.0, 2.0]  # checked at 0, 2 and 4 s, then handed back to the ledger's retry
    result = make_publisher(api, tmp_path).publish(package)
    [reel] = api.reels.values()  # the same Reel, finished once
    assert result.external_id == reel["id"] and [k for _, k in api.calls].count("video_reels") == 2
