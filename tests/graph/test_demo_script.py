"""The demo's scripted marketer (integrations/demo/season.py) still gets through the conversation, message by
message, as the catalogue reads it — the full demo (Slack emulator, renders) is `cliffhanger demo`."""

from __future__ import annotations

from pathlib import Path

from agent.domain import Brief
from integrations.demo.season import BRIEF
from tests.scenarios.harness import Marketer


def test_the_demo_marketer_reaches_the_renders(tmp_path: Path) -> None:
    marketer = Marketer(tmp_path / "home")
    try:
        assert "nothing you told me is lost" in marketer.say(BRIEF.format(seconds=40))  # 40 episodes: refused
        assert "to cast the lead" in marketer.say("Sorry — 8 episodes.")
        brief = Brief.model_validate(marketer.season().brief)
        assert (brief.brand, brief.episode_count, brief.episode_length_s) == ("Lumen Coffee", 8, 40)
        assert "is now an approver" in marketer.say("add <@U_APPROVER> as approver")
        assert "revised" in marketer.say("make episode 2 darker")
        assert "lock your lead" in marketer.say("looks good")
        assert "lock it" in marketer.say("2")
        assert "locked. Rendering" in marketer.say("lock it")
        assert marketer.stage() == "review" and len(marketer.queued) == 8
    finally:
        marketer.close()
