"""What the thread is told after each event, as channel-neutral notices (people as user references, no markup).

Kept apart from the use cases so the words can change without touching a rule, and so every entry point says the
same thing. `from_text` bridges services that still word their refusals as Slack text (`<@U…>`, a leading
`:emoji:`): it turns that into a proper notice, so no channel ever has to guess.
"""

from __future__ import annotations

import re

from agent.app.events import (
    AllApproved,
    ChangesRequested,
    Event,
    Withdrawn,
    WithdrawnAfterPublish,
)
from agent.ports import Notice, Tone

MENTION = re.compile(r"<@([A-Z0-9_]+)(?:\|[^>]*)?>")
LEADING_EMOJI = re.compile(r"^\s*:([a-z0-9_+\-]+):\s*")
EMOJI_TONES = {
    "tada": Tone.CELEBRATE, "white_check_mark": Tone.SUCCESS, "warning": Tone.WARNING, "calendar": Tone.CALENDAR,
    "raising_hand": Tone.RELEASE, "hourglass_flowing_sand": Tone.PROGRESS, "clapper": Tone.DONE,
    "loudspeaker": Tone.CAMPAIGN, "alarm_clock": Tone.REMINDER, "ballot_box_with_check": Tone.BATCH,
    "rocket": Tone.SUCCESS, "x": Tone.WARNING,
}


def from_text(text: str, tone: Tone | None = None) -> Notice:
    """A notice from service wording: `<@U…>` become user references, a leading `:emoji:` becomes the tone."""
    found = LEADING_EMOJI.match(text)
    if found and found.group(1) in EMOJI_TONES:
        tone = tone or EMOJI_TONES[found.group(1)]
        text = text[found.end():]
    users: dict[str, str] = {}
    template = ""
    for index, part in enumerate(MENTION.split(text)):  # even: text (braces escaped), odd: a user id
        if index % 2:
            users[f"u{len(users)}"] = part
            template += "{u" + str(len(users) - 1) + "}"
        else:
            template += part.replace("{", "{{").replace("}", "}}")
    return Notice(template=template, users=users, tone=tone or Tone.PLAIN)


def notice_of(source: object, fallback: str = "") -> Notice:
    """The notice a service attached (a gate decision, a BatchError, an ApproverError), else one read from its
    text — so people stay references whichever way the service worded it."""
    attached = getattr(source, "notice", None)
    if isinstance(attached, Notice):
        return attached
    text = getattr(source, "message", None) if not isinstance(source, (str, BaseException)) else str(source)
    return from_text(str(text or fallback))


def people(users: list[str], prefix: str = "p") -> tuple[str, dict[str, str]]:
    """"{p0}, {p1}" and its fields, for a list of people."""
    fields = {f"{prefix}{i}": user for i, user in enumerate(users)}
    return ", ".join("{" + name + "}" for name in fields), fields


def thread_notice(event: Event) -> Notice | None:
    """What the whole thread is told about a vote event (None: the card says it all)."""
    if isinstance(event, ChangesRequested):
        if event.note and event.via in ("thread", "typed"):
            return None  # the note is in the thread already, in the person's own words
        if event.note:
            return Notice(template=f"{{voter}} asked for changes on Ep {event.episode}: “{{note}}”",
                          users={"voter": event.voter}, values={"note": event.note})
        return Notice(template=f"{{voter}} asked for changes on Ep {event.episode}. Reply here with what should "
                               f"change (e.g. \"Ep {event.episode}: make the ending darker\") and I'll say what I'll "
                               "redo and how long it takes before re-rendering.", users={"voter": event.voter})
    if isinstance(event, Withdrawn):
        rest = "it is still approved by the others." if event.still_approved else "it is back in review."
        return Notice(template=f"{{voter}} withdrew their approval of Ep {event.episode} — {rest}",
                      users={"voter": event.voter})
    if isinstance(event, WithdrawnAfterPublish):
        return Notice(template=f"{{voter}} took back their approval of Ep {event.episode}, but it is already "
                               "published, so the publication stands. I noted it in the audit log; if it must come "
                               "down, remove it on the platform and tell the team here.",
                      users={"voter": event.voter}, tone=Tone.WARNING)
    if isinstance(event, AllApproved):
        return Notice(template=f"All {event.episode_count} episodes are approved. Say *schedule daily at 6pm* (or "
                               "weekly, every 2 days, with a time zone) to book the releases.", tone=Tone.CELEBRATE)
    return None
