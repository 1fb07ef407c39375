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


def people(users: list[str], prefix: str = "p") -> tuple[str, dict[str, str]]:
    """"{p0}, {p1}" and its fields, for a list of people."""
    fields = {f"{prefix}{i}": user for i, user in enumerate(users)}
    return ", ".join("{" + name + "}" for name in fields), fields


def not_approver(episode: int, approvers: list[str], via: str) -> Notice:
    """Why a vote from someone not on the list doesn't count, and how to fix it."""
    names, fields = people(approvers)
    what = "reaction" if via == "reaction" else "vote"
    return Notice(template=f"Your {what} on Ep {episode} doesn't count: only this season's approvers ({names}) "
                           "can approve or ask for changes. Ask one of them to add you (\"add @you as approver\").",
                  users=fields)


def superseded(episode: int) -> Notice:
    """A vote on an older cut."""
    return Notice(template=f"That is an older version of Ep {episode}; vote on the newest card in the thread.")


def already_published(episode: int) -> Notice:
    """A vote after publication."""
    return Notice(template=f"Ep {episode} is already published.")


def not_ready(episode: int, status: str) -> Notice:
    """A vote on a render that hasn't finished (the terminal's `:+1: 3` while it renders)."""
    return Notice(template=f"Ep {episode} isn't ready for review yet (its render is {status.lower()}): approve it or "
                           "ask for changes once its card is in the thread.", tone=Tone.WARNING)


def not_posted(episode: int) -> Notice:
    """A vote on a render nobody could see (its upload failed)."""
    return Notice(template=f"Ep {episode} rendered, but its card never reached the thread, so nobody could watch "
                           f"it: say *post ep {episode} again* first, then vote on the card.", tone=Tone.WARNING)


def thread_notice(event: Event) -> Notice | None:
    """What the whole thread is told about a vote event (None: the card says it all)."""
    if isinstance(event, ChangesRequested):
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
