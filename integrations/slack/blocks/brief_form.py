"""The brief form: a button offering it in the thread, and the modal itself, prefilled with what was understood.

Typing a whole brief is a poor fit for some marketers; when a required field is still missing after a question was
asked once, the thread offers this form. Its submission goes to the conversation as one labelled brief, so the same
validation and the same refusals apply as to a typed one.
"""

from __future__ import annotations

import json
from typing import Any

OPEN_ACTION = "brief_form_open"
MODAL = "brief_form"
FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    # (key, label, placeholder, multiline)
    ("brand", "Brand", "e.g. Lumen Coffee", False),
    ("product", "Product", "e.g. the Night Brew cold-brew can", False),
    ("audience", "Audience", "e.g. night-shift nurses", False),
    ("tone", "Tone", "e.g. cosy romance, workplace comedy, mystery", False),
    ("episode_count", "Episodes (8–12)", "10", False),
    ("episode_length_s", "Seconds per episode (15–120)", "60", False),
    ("cadence", "Release schedule", "e.g. Tue/Fri at 6pm London", False),
)
LABELS = {"brand": "Brand", "product": "Product", "audience": "Audience", "tone": "Tone",
          "episode_count": "Episodes", "episode_length_s": "Seconds", "cadence": "Schedule"}


def offer_blocks(prefill: dict[str, Any]) -> list[dict[str, Any]]:
    """A short line and the button that opens the form (the prefill rides in the button's value)."""
    value = json.dumps({k: str(v)[:150] for k, v in prefill.items() if k in LABELS})[:1900]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Easier to fill in a form? Everything you told me "
                                                                 "is already in it."}},
        {"type": "actions", "elements": [{"type": "button", "action_id": OPEN_ACTION, "style": "primary",
                                          "text": {"type": "plain_text", "text": "Open the brief form"},
                                          "value": value}]},
    ]


def modal(prefill: dict[str, Any], channel_id: str, thread_ts: str) -> dict[str, Any]:
    """The modal; brand and product are required, the rest optional (left blank = I decide)."""
    blocks = []
    for key, label, placeholder, multiline in FIELDS:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": key, "multiline": multiline,
                                   "placeholder": {"type": "plain_text", "text": placeholder}}
        if prefill.get(key):
            element["initial_value"] = str(prefill[key])[:150]
        blocks.append({"type": "input", "block_id": key, "optional": key not in ("brand", "product"),
                       "label": {"type": "plain_text", "text": label}, "element": element})
    return {"type": "modal", "callback_id": MODAL, "private_metadata": json.dumps([channel_id, thread_ts]),
            "title": {"type": "plain_text", "text": "Season brief"},
            "submit": {"type": "plain_text", "text": "Write the season"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def submitted_brief(values: dict[str, Any]) -> str:
    """The modal's state as one labelled brief message ("Brand: …. Product: …. 10 episodes, 60 seconds. …")."""
    read = {key: ((values.get(key) or {}).get(key) or {}).get("value") or "" for key, *_rest in FIELDS}
    parts = [f"{LABELS[k]}: {read[k].strip()}." for k in ("brand", "product", "audience", "tone") if read[k].strip()]
    if read["episode_count"].strip():
        parts.append(f"{read['episode_count'].strip()} episodes.")
    if read["episode_length_s"].strip():
        parts.append(f"{read['episode_length_s'].strip()} seconds each.")
    if read["cadence"].strip():
        parts.append(f"Posting {read['cadence'].strip()}.")
    return " ".join(parts)
