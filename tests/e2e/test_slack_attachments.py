"""Files attached in the Slack thread reach the agent: a PNG logo changes the look; a bad file gets a clear note."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from agent.settings import Settings
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID

pytestmark = pytest.mark.xdist_group("e2e")

BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: nurses. 8 episodes, 15 seconds each, "
         "daily at 6pm New York. Tone: cosy suspense. Goal: awareness. Markets: US. Drama Center. You decide the rest.")


def test_logo_attached_in_thread_updates_the_look(tmp_path: Path) -> None:
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None)
    logo = tmp_path / "lumen-logo.png"
    Image.new("RGBA", (400, 120), (242, 193, 78, 255)).save(logo)
    not_a_logo = tmp_path / "notes.txt"
    not_a_logo.write_text("hello")
    with LocalStack(settings, immediate_queue=True) as stack:
        marketer = ScriptedPerson(stack, MARKETER_ID)
        marketer.start(BRIEF, expect="to cast the lead", timeout=60)  # a full brief goes straight to an arc
        marketer.say("looks good", expect="lock your lead")
        marketer.say("1", expect="lock it")

        delivery = stack.sender.file_share(MARKETER_ID, DRAMA_CHANNEL_ID, logo, "use this logo",
                                           thread_ts=marketer.thread_ts)
        assert delivery.ok
        reply = marketer.wait_for_bot("Updated", after=delivery.ts or "0", timeout=30)
        assert "lumen-logo.png" in reply["text"]
        downloaded = list((settings.artifacts_dir / "uploads").rglob("*lumen-logo.png"))
        assert [p.read_bytes() for p in downloaded] == [logo.read_bytes()]  # fetched from Slack with the bot token
        stored = list((settings.artifacts_dir).rglob("*.png"))
        assert any("brand" in str(p) for p in stored)  # validated and kept with the season's brand assets

        bad = stack.sender.file_share(MARKETER_ID, DRAMA_CHANNEL_ID, not_a_logo, "", thread_ts=marketer.thread_ts)
        answer = marketer.wait_for_bot("can't use that", after=bad.ts or "0", timeout=30)
        assert "notes.txt" in answer["text"]
