"""What the agent says: formatting of drafts, errors and help for the thread (mrkdwn)."""

from __future__ import annotations

from pydantic import ValidationError

from agent.domain import Arc, Brief, EpisodeScript

HELP = (
    "*How this works* — one thread is one season.\n"
    "1. Tell me the brief (brand, product, audience, episode count 8–12, length 15–120 s, cadence).\n"
    "2. I draft the arc; say *looks good* or ask for changes (\"make episode 3 darker\", \"undo\").\n"
    "3. Pick a lead (1–3) — I lock them for every episode.\n"
    "4. I show the look; say *lock it*. Then I render the season and post each episode here.\n"
    "5. Approvers react :+1: (or :-1: and reply with a note). Say *schedule daily at 6pm New York* when ready.\n"
    "Ask *status?* any time. Nothing is published without a recorded human approval."
)

FIELD_NAMES = {
    "episode_count": "Episode count",
    "episode_length_s": "Episode length",
    "brand": "Brand",
    "product": "Product",
    "cadence": "Cadence",
}


def validation_message(error: ValidationError) -> str:
    """Turn pydantic errors into specific, friendly lines (never a stack trace)."""
    lines = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "brief"
        name = FIELD_NAMES.get(field.split(".")[0], field.replace("_", " ").capitalize())
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "I still need this"
        lines.append(f"• *{name}*: {message}")
    return "\n".join(lines)


def bad_fields(error: ValidationError) -> set[str]:
    """Top-level fields that failed validation (dropped from the draft so good values are kept)."""
    return {str(item["loc"][0]) for item in error.errors() if item["loc"]}


def brief_summary(brief: Brief) -> str:
    """One-paragraph recap of the brief."""
    c = brief.cadence
    return (
        f"*Brief* — {brief.brand} · {brief.product} · for {brief.audience} · {brief.episode_count} episodes × "
        f"~{brief.episode_length_s} s · {c.kind.value} at {c.release_time.strftime('%H:%M')} {c.timezone} · "
        f"{brief.destination.value.replace('_', ' ')}"
    )


def episode_line(ep: EpisodeScript) -> str:
    """One episode in a list."""
    return (
        f"*Ep {ep.number} · {ep.title}* (~{ep.estimated_duration_s:.0f} s)\n"
        f"   _Cold open_: {ep.cold_open}\n   _Beat_: {ep.beat}\n   _Cliffhanger_: {ep.cliffhanger}\n"
        f"   _Product moment_: {ep.product_moment}"
    )


def arc_summary(arc: Arc, findings: list[str]) -> str:
    """The arc draft as the marketer sees it, with lint/validation findings."""
    label = " _(offline draft)_" if arc.offline_draft else ""
    cast = ", ".join(f"{c.name} ({c.role})" for c in arc.cast)
    parts = [
        f"*{arc.title}*{label}",
        f"_{arc.logline}_",
        f"*Premise*: {arc.premise}",
        f"*Through-line*: {arc.through_line}",
        f"*Cast*: {cast}",
        "",
        *[episode_line(ep) for ep in arc.episodes],
        "",
        ("*Checks*: " + ("all clear :white_check_mark:" if not findings else "\n• " + "\n• ".join(findings))),
        "Say *looks good* to cast the lead, or ask for a change (e.g. \"make episode 3 darker\", \"undo\").",
    ]
    return "\n".join(parts)


def revision_summary(before: EpisodeScript, after: EpisodeScript) -> str:
    """What changed in one episode (a readable diff)."""
    changes = []
    for field in ("title", "cold_open", "beat", "cliffhanger", "product_moment"):
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            changes.append(f"• _{field.replace('_', ' ')}_: ~{old}~ → {new}")
    if len(before.lines) != len(after.lines) or before.lines != after.lines:
        changes.append(f"• lines: {len(before.lines)} → {len(after.lines)} (~{after.estimated_duration_s:.0f} s)")
    body = "\n".join(changes) or "• (no visible change)"
    return f"*Ep {after.number} revised* — everything else is unchanged.\n{body}"
