"""What a campaign generator hands back, and the Persona Brief gate every piece of copy passes before it is drawn.

Copy is linted before it is drawn into a picture or written into a post: a banned word found in the source text
(a script line, an override, a note) is scrubbed and the copy re-checked — "regenerated" — and whatever still
fails is reported so the asset is flagged and can never be published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.brain.lint import lint_text, scrub
from agent.domain import PersonaBrief

TEASER, CAROUSEL, QUOTE, WRITEUP, BTS = "teaser", "carousel", "quote", "writeup", "bts"
KINDS: tuple[str, ...] = (TEASER, CAROUSEL, QUOTE, WRITEUP, BTS)
LABELS: dict[str, str] = {TEASER: "Teaser clip", CAROUSEL: "Recap carousel", QUOTE: "Quote graphic",
                          WRITEUP: "Write-up", BTS: "Behind the scenes"}


@dataclass(frozen=True)
class CheckedCopy:
    """Copy after the Persona Brief gate: the text to use, what was found first, and what still fails."""

    text: str
    found: tuple[str, ...] = ()
    remaining: tuple[str, ...] = ()

    @property
    def regenerated(self) -> bool:
        """True when the first draft had banned words and was rewritten."""
        return bool(self.found)


def check_copy(text: str, bible: PersonaBrief, where: str = "") -> CheckedCopy:
    """Lint `text`; on a finding, scrub and lint again. `remaining` non-empty means the copy must be flagged."""
    found = lint_text(text, bible, where)
    if not found:
        return CheckedCopy(text)
    rewritten = scrub(text, bible)
    remaining = lint_text(rewritten, bible, where)
    return CheckedCopy(rewritten, tuple(str(f) for f in found), tuple(str(f) for f in remaining))


@dataclass
class AssetOutput:
    """Files and copy of one generated asset, plus the lint record the reviewer and the publisher see."""

    kind: str
    files: list[Path]
    text: str
    found: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def absorb(self, copy: CheckedCopy) -> str:
        """Record one checked piece of copy and return its usable text."""
        self.found += list(copy.found)
        self.remaining += list(copy.remaining)
        return copy.text

    @property
    def flagged(self) -> bool:
        """Banned words survived the rewrite: the asset must not be approved or published."""
        return bool(self.remaining)
