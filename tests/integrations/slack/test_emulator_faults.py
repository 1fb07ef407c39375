"""The emulator's scripted 5xx: a Slack outage for one method (and, narrowed, for one file), then recovery."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from integrations.slack.emulator import DRAMA_CHANNEL_ID, SlackEmulator


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackEmulator]:
    with SlackEmulator(files_dir=tmp_path / "files") as emulator:
        yield emulator


def test_an_upload_fails_with_a_5xx_only_for_the_file_it_was_scripted_for(slack: SlackEmulator) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    slack.fail("files.getUploadURLExternal", times=-1, status=503, when=lambda p: p.get("filename") == "ep04.mp4")
    with pytest.raises(SlackApiError) as err:
        client.files_upload_v2(content=b"video", filename="ep04.mp4", channel=DRAMA_CHANNEL_ID)
    assert err.value.response.status_code == 503
    assert client.files_upload_v2(content=b"other", filename="teaser.mp4", channel=DRAMA_CHANNEL_ID)["ok"]
    with pytest.raises(SlackApiError):  # still failing: until cleared
        client.files_upload_v2(content=b"video", filename="ep04.mp4", channel=DRAMA_CHANNEL_ID)
    slack.faults.clear()
    assert client.files_upload_v2(content=b"video", filename="ep04.mp4", channel=DRAMA_CHANNEL_ID)["ok"]
    assert [c.status for c in slack.calls_to("files.getUploadURLExternal")] == [503, 200, 503, 200]
