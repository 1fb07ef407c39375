"""Buttons for a choice the agent just offered (casting candidates, the likely next step).

A click sends the button's text into the thread's conversation exactly as if the marketer had typed it, so a
button can never do more than a message could; the recommended option is the primary button.
"""

from __future__ import annotations

import json
from typing import Any

ACTION_PREFIX = "choice_"


def choice_blocks(text: str, choices: list[tuple[str, str]], recommended: int | None = 0) -> list[dict[str, Any]]:
    """One section and up to five buttons: (label, what the click says)."""
    buttons = []
    for index, (label, says) in enumerate(choices[:5]):
        button: dict[str, Any] = {"type": "button", "action_id": f"{ACTION_PREFIX}{index}",
                                  "text": {"type": "plain_text", "text": label[:75]},
                                  "value": json.dumps({"say": says[:500]})}
        if index == recommended:
            button["style"] = "primary"
        buttons.append(button)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}},
            {"type": "actions", "elements": buttons}]
