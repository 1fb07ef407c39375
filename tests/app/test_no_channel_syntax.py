"""The application layer, the ports and the review node write no channel syntax: only adapters know `<@U…>`,
`:emoji:` and Block Kit. (Fails when someone adds a mention or an emoji code to these modules.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = [*sorted((ROOT / "agent" / "app").glob("*.py")), ROOT / "agent" / "ports.py",
           ROOT / "agent" / "graph" / "nodes" / "review.py", ROOT / "agent" / "services" / "scheduling.py"]
SLACK_SYNTAX = re.compile(r"<@[A-Z{]|<!(?:here|channel)|(?<![\w:]):[a-z][a-z0-9_+\-]{1,30}:(?![\w:])|\"type\":\s*\"(?:"
                          r"section|actions|button|mrkdwn)\"|'type': '(?:section|actions|button|mrkdwn)'")
ALLOWED = {"wording.py": {"<@", ":emoji:"}}  # wording.from_text *reads* legacy service text (its job)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_slack_syntax(path: Path) -> None:
    text = path.read_text()
    found = [m.group(0) for m in SLACK_SYNTAX.finditer(text)
             if not any(m.group(0).startswith(a) for a in ALLOWED.get(path.name, ()))]
    assert found == [], f"{path.name} writes channel syntax: {found[:5]}"
