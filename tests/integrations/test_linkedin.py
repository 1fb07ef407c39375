"""The LinkedIn adapter against the local Videos/Posts API stand-in: real HTTP, real client code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.linkedin import LinkedInClient, LinkedInError, LinkedInPublisher
from integrations.linkedin.emulator import AUTHOR, PART, FakeLinkedInState, fake_linkedin
from integrations.linkedin.publisher import little_text
from integrations.tiktok.state import JsonFileState


class SimulatedCrash(BaseException):
    """The process dying (not an Exception: nothing should catch it)."""


@pytest.fixture
def api() -> Iterator[FakeLinkedInState]:
    with fake_linkedin() as state:
        yield state


def make_package(tmp_path: Path, size: int = 6000) -> PublishPackage:
    video = tmp_path / f"ep-{size}.mp4"
    video.write_bytes(bytes(i % 253 for i in range(size)))
    return PublishPackage(
        season_id=1, season_title="Midnight Latte", episode_number=2, episode_title="The Cup",
        video_path=video, cover_path=None, caption="Who took the cup? (Ep 2)", hashtags=["#BeanThere"],
        unlock="free", destination="linkedin", publish_at="2026-12-01T23:00:00+00:00", approvals=[],
        idempotency_key="slot2:linkedin", episode_count=8)


def make_publisher(api: FakeLinkedInState, tmp_path: Path, sleeps: list[float] | None = None,
                   client_cls: type[LinkedInClient] = LinkedInClient) -> LinkedInPublisher:
    client = client_cls(api.token, base_url=api.base_url, backoff_s=1.0,
                        sleep=(sleeps if sleeps is not None else []).append)
    return LinkedInPublisher(client, AUTHOR, JsonFileState(tmp_path / "state"), poll_interval_s=0.0,
                             sleep=lambda _: None)


def test_video_post_in_parts_with_escaped_commentary(api: FakeLinkedInState, tmp_path: Path) -> None:
    package = make_package(tmp_path, size=PART + 1234)  # two parts
    result = make_publisher(api, tmp_path).publish(package)
    [video] = api.videos.values()
    assert video["bytes"] == package.video_path.read_bytes() and len(video["parts"]) == 2
    [post] = api.posts
    assert post["commentary"] == "Part 2/8 · Who took the cup? \\(Ep 2\\)\n\n\\#BeanThere"
    assert result.location == f"https://www.linkedin.com/feed/update/{post['id']}/"
    calls = len(api.calls)
    assert make_publisher(api, tmp_path).publish(package) == result
    assert len(api.calls) == calls


def test_crash_after_the_post_call_finds_the_post_instead_of_posting_twice(api: FakeLinkedInState,
                                                                           tmp_path: Path) -> None:
    class DiesAfterPosting(LinkedInClient):
        def request(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def,override]
            found = super().request(method, path, **kwargs)
            if method == "POST" and path == "/rest/posts":
                raise SimulatedCrash
            return found

    package = make_package(tmp_path)
    with pytest.raises(SimulatedCrash):
        make_publisher(api, tmp_path, client_cls=DiesAfterPosting).publish(package)
    result = make_publisher(api, tmp_path).publish(package)
    assert len(api.posts) == 1 and result.external_id == api.posts[0]["id"]
    assert api.count("initializeUpload") == 1


def test_rate_limits_back_off(api: FakeLinkedInState, tmp_path: Path) -> None:
    api.fail_next("upload", status=429)
    api.fail_next("posts", status=503)
    sleeps: list[float] = []
    make_publisher(api, tmp_path, sleeps).publish(make_package(tmp_path))
    assert sleeps == [1.0, 1.0] and len(api.posts) == 1


def test_processing_failure_and_expired_token(api: FakeLinkedInState, tmp_path: Path) -> None:
    api.fail_processing = "unsupported codec"
    with pytest.raises(LinkedInError, match="unsupported codec") as caught:
        make_publisher(api, tmp_path).publish(make_package(tmp_path))
    assert not caught.value.retryable and not api.posts
    api.fail_processing = None
    publisher = make_publisher(api, tmp_path)
    api.expire_token()
    with pytest.raises(LinkedInError) as expired:
        publisher.publish(make_package(tmp_path))
    assert expired.value.token_expired and not expired.value.retryable and "AQV" not in str(expired.value)


def test_little_text_escapes_reserved_characters() -> None:
    assert little_text("50% off (today) @home #tag_1") == "50% off \\(today\\) \\@home \\#tag\\_1"


def test_registered_as_a_plug_in(api: FakeLinkedInState, tmp_path: Path) -> None:
    from integrations.publishers import make_publishers

    [publisher] = make_publishers(["linkedin"], linkedin_access_token=api.token, linkedin_author_urn=AUTHOR,
                                  linkedin_api_base_url=api.base_url, linkedin_state_dir=tmp_path / "s")
    assert isinstance(publisher, LinkedInPublisher) and publisher.limits()["caption_limit"] == 3000
