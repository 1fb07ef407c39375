"""Hashtags from names: one rule for episode packages, campaign captions and the preflight.

Bracketed labels ("[offline draft] Lumen Coffee: After Hours") are the thread's honesty about who wrote a draft,
not part of the show's name, so they never become a tag.
"""

from __future__ import annotations

import re

BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*draft[^)]*\)", re.IGNORECASE)


def hashtag(text: str) -> str:
    """'Lumen Coffee' → '#LumenCoffee'; '[offline draft] Night Shift' → '#NightShift'; '' when nothing is left."""
    words = re.sub(r"[^\w]+|_", " ", BRACKETED.sub(" ", text)).split()
    return "#" + "".join(w[:1].upper() + w[1:] for w in words) if words else ""
