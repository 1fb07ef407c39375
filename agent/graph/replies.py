"""What the agent says: formatting of drafts, errors and help for the thread (mrkdwn)."""

from __future__ import annotations

from pydantic import ValidationError

from agent.domain import Arc, Brief, EpisodeScript

HELP = (
    "*How this works* — one thread is one season.\n"
    "1. Tell me the brief (brand, product, audience, episode count 8–12, length 15–120 s, cadence). Anything you "
    "leave out, I decide and tell you.\n"
    "2. I draft the arc; say *looks good* or ask for changes (\"make episode 3 darker\", \"swap the rival\", "
    "\"cut 10 seconds from ep 5\", \"undo\", \"diff v1 v2\", \"show changes to ep 3\", \"continuity\").\n"
    "   The show bible any time: \"never say 'cheap'\", \"voice: dry and witty\", \"show the bible\".\n"
    "3. Pick a lead (1–3, or \"list personas\", \"create persona Ada: …\", upload a portrait) — I lock them.\n"
    "4. I show the look (\"background #101820\", \"outline captions\", upload a logo or font); say *lock it*. "
    "Then I render the season and post each episode here.\n"
    "5. Approvers react :+1: (or :-1: and reply with a note). Say *schedule daily at 6pm New York* when ready.\n"
    "Ask *status?*, *how are we doing?* or *who approves?* any time; several requests in one message are fine "
    "(\"make ep 3 darker and swap the rival\") — I'll say what I did and what I couldn't. "
    "Nothing is published without a recorded human approval."
)

FIELD_NAMES = {
    "episode_count": "Episode count",
    "episode_length_s": "Episode length",
    "brand": "Brand",
    "product": "Product",
    "cadence": "Cadence",
    "audience": "Audience",
    "goal": "Goal",
    "tone": "Tone",
    "markets": "Markets",
    "platforms": "Platforms",
    "destination": "Destination",
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


MARKUP = str.maketrans({"<": "‹", ">": "›", "*": "*\u200b", "_": "_\u200b", "~": "~\u200b", "`": "ʼ"})


def plain(value: object, limit: int = 200) -> str:
    """A marketer's value shown back inside our own markup: no mention or link tokens (angle brackets become look-
    alikes), bold/italic/strike/code characters made inert, cut to `limit` characters with an ellipsis."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.translate(MARKUP)


def brief_summary(brief: Brief) -> str:
    """One-paragraph recap of the brief (the marketer's values made inert)."""
    c = brief.cadence
    return (
        f"*Brief* — {plain(brief.brand)} · {plain(brief.product)} · for {plain(brief.audience)} · "
        f"{brief.episode_count} episodes × "
        f"~{brief.episode_length_s} s · {c.kind.value} at {c.release_time.strftime('%H:%M')} {c.timezone} · "
        f"{brief.destination.value.replace('_', ' ')} · {', '.join(brief.markets)} · {', '.join(brief.platforms)} · "
        f"goal: {plain(brief.goal)} · tone: {plain(brief.tone)}"
    )


def checks_block(findings: list[str], tone_line: str | None = None) -> str:
    """Lint, format and continuity findings plus the tone verdict, shown under every draft."""
    head = "*Checks*: " + ("all clear ✓" if not findings else "\n• " + "\n• ".join(findings))
    return head + (f"\n{tone_line}" if tone_line else "")


def episode_line(ep: EpisodeScript) -> str:
    """One episode in a list."""
    return (
        f"*Ep {ep.number} · {ep.title}* (~{ep.estimated_duration_s:.0f} s)\n"
        f"   _Cold open_: {ep.cold_open}\n   _Beat_: {ep.beat}\n   _Cliffhanger_: {ep.cliffhanger}\n"
        f"   _Product moment_: {ep.product_moment}"
    )


def arc_summary(arc: Arc, findings: list[str], tone_line: str | None = None, version: int | None = None) -> str:
    """The arc draft as the marketer sees it, with lint/validation/continuity findings and the tone score."""
    label = " _(offline draft)_" if arc.offline_draft else ""
    cast = ", ".join(f"{c.name} ({c.role})" for c in arc.cast)
    parts = [
        f"*{arc.title}*{label}" + (f" — v{version}" if version else ""),
        f"_{arc.logline}_",
        f"*Premise*: {arc.premise}",
        f"*Through-line*: {arc.through_line}",
        f"*Cast*: {cast}",
        "",
        *[episode_line(ep) for ep in arc.episodes],
        "",
        checks_block(findings, tone_line),
        "Say *looks good* to cast the lead, or ask for a change (e.g. \"make episode 3 darker\", \"undo\").",
    ]
    return "\n".join(parts)


def revision_summary(before: EpisodeScript, after: EpisodeScript) -> str:  # used by the review node too
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
