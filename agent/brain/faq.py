"""Answers to questions about the format, from prompts/format_faq.md (facts live in a file, not in code).

Deterministic for both brains: the facts of the format do not change with the model, and a fixed answer can be
tested. A message counts as a question when it ends with "?" or opens with a question word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.brain.prompts import PromptLibrary

QUESTION = re.compile(r"\?\s*$|^\s*(what|how|why|when|where|which|who|can|could|is|are|do|does|should|will)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One answer and the words that trigger it."""

    triggers: tuple[str, ...]
    answer: str


@lru_cache(maxsize=4)
def entries(library_dir: str = "") -> tuple[Entry, ...]:
    """Parse the FAQ file into entries (cached: it is read once per process)."""
    library = PromptLibrary() if not library_dir else PromptLibrary(__import__("pathlib").Path(library_dir))
    text = library.load("format_faq")
    out = []
    for block in text.split("\n## ")[1:]:
        head, _, body = block.partition("\n")
        triggers = tuple(t.strip().lower() for t in head.split(",") if t.strip())
        out.append(Entry(triggers=triggers, answer=" ".join(body.split())))
    return tuple(out)


def is_question(text: str) -> bool:
    """Ends with a question mark or starts with a question word."""
    return bool(QUESTION.search(text.strip()))


def answer(text: str) -> str | None:
    """The best-matching answer for a question about the format, or None."""
    if not is_question(text):
        return None
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for entry in entries():
        score = sum(len(t.split()) for t in entry.triggers if re.search(rf"\b{re.escape(t)}\b", lowered))
        if score and (best is None or score > best[0]):
            best = (score, entry.answer)
    return best[1] if best else None
