"""Cut one message into the separate requests it carries.

"make episode 3 darker and cut the product from episode 7; also never say cheap" is three requests. A split is
made at sentence ends, semicolons, new lines and at "and"/"also"/"then"/"plus" when what follows starts a new
request (a verb, an episode reference, a bible rule) — never inside "salt and pepper" or "Tue and Fri at 6pm".
Very long messages are cut to a bounded number of clauses so a pasted document cannot stall a turn.
"""

from __future__ import annotations

import re

MAX_CLAUSES = 12
STARTERS = (r"(?:make|cut|remove|drop|add|change|swap|replace|recast|rename|rewrite|revise|tweak|fix|trim|shorten|"
            r"lengthen|give|put|move|schedule|post|release|publish|never|don'?t|do\s+not|avoid|ban|allow|unban|use|"
            r"set|switch|go\s+with|take|show|undo|revert|lock|keep|turn|tone|episode|ep\.?\s*\d|in\s+ep|"
            r"the\s+(?:rival|lead|confidant|tone|audience|background|captions?|logo|finale|last\s+episode)|"
            r"can\s+you|could\s+you|please|also|what'?s|what\s+(?:is|are|changed)|how\s+(?:are|is|did)|how'?s|who|"
            r"where\s+are|status|stop|start|cancel|list|describe|help)\b")
JOINERS = re.compile(rf"\s*(?:,\s*)?\b(?:and\s+also|and\s+then|and|also|then|plus|but)\s+(?={STARTERS})|"
                     rf"\s*,\s+(?={STARTERS})", re.IGNORECASE)
LEADING = re.compile(r"^(?:and\s+also|and\s+then|and|also|plus|then)\s+(?=\S)", re.IGNORECASE)
SENTENCES = re.compile(r"(?<=[.!?])\s+|\s*;\s*|\n+")


def split_clauses(text: str, limit: int = MAX_CLAUSES) -> list[str]:
    """The requests in `text`, in order (at most `limit`; the rest is dropped by the caller's summary)."""
    clauses: list[str] = []
    for sentence in SENTENCES.split(text):
        for part in JOINERS.split(sentence):
            part = LEADING.sub("", part.strip(" ,.;"))
            if part:
                clauses.append(part)
            if len(clauses) >= limit:
                return clauses
    return clauses
