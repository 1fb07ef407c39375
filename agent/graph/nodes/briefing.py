"""Brief intake helpers: which fields are open, what the defaults are, and checks beyond single fields.

The marketer is asked once about optional fields they left out (with the default for each); silence or "you
decide" then means the default, and the reply after the brief says what was decided. Brand and product are the
two fields nobody can decide for them.
"""

from __future__ import annotations

from typing import Any

from agent.domain import Brief

REQUIRED = ("brand", "product")
OPTIONAL = ("audience", "episode_count", "episode_length_s", "cadence", "tone", "goal", "markets", "platforms",
            "destination")
QUESTIONS = {
    "brand": "Which *brand* is this for?",
    "product": "Which *product* should live inside the story?",
}
MINIS_MARKETS = ("US", "CA", "AU", "NZ", "ID", "TH", "KR", "JP", "BR", "MX")


def default_value(field: str) -> str:
    """A field's default as the marketer reads it."""
    brief = Brief(brand="x", product="y")
    value: Any = getattr(brief, field)
    if field == "episode_count":
        return f"{value} episodes (8–12)"
    if field == "episode_length_s":
        return f"{value} s each (15–120)"
    if field == "cadence":
        return f"{value.kind.value} at {value.release_time.strftime('%H:%M')} {value.timezone}"
    if field == "destination":
        return value.value.replace("_", " ").title()
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def label(field: str) -> str:
    """Human name of a field."""
    from agent.graph.replies import FIELD_NAMES

    return FIELD_NAMES.get(field, field.replace("_", " ").capitalize())


def open_fields(fields: dict[str, Any]) -> list[str]:
    """Optional fields the marketer has not stated."""
    return [f for f in OPTIONAL if f not in fields]


def defaults_text(fields: list[str]) -> str:
    """"audience (young urban professionals), tone (…)" for a list of fields."""
    return "; ".join(f"{label(f).lower()}: {default_value(f)}" for f in fields)


def missing_required(fields: dict[str, Any]) -> list[str]:
    """Required fields still missing (a blank value counts as missing)."""
    return [f for f in REQUIRED if not str(fields.get(f) or "").strip()]


def brief_problems(brief: Brief) -> dict[str, str]:
    """Checks across fields: field → a reason with a suggestion (empty when the brief holds together)."""
    problems: dict[str, str] = {}
    if brief.destination.value in ("minis_center", "both"):
        outside = [m for m in brief.markets if m.upper() not in MINIS_MARKETS]
        if outside:
            problems["markets"] = (f"the Minis Center is only available in {', '.join(MINIS_MARKETS)}; "
                                   f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not — drop "
                                   f"{'it' if len(outside) == 1 else 'them'}, or choose Drama Center for those markets")
    return problems
