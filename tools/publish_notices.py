"""What the publish machinery tells a season's thread, and the 24-hour reminder for unapproved episodes.

Messages are data (SweepMessage) in the sweep's result; agent.app.releases.publish_due posts them as follow-ups. Standing conditions (a hold, a reminder, a question
in confirm mode) are recorded in the audit log and said once, so a sweep that runs every minute never nags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from agent.domain import EpisodeStatus
from agent.ports import Notice, Tone
from agent.store.db import Store
from agent.store.models import Episode, Season, Slot
from tools.publish_ledger import as_utc, note_once
from tools.publish_package import check_approval

REMIND_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class SweepMessage:
    """News for one season's thread.

    kind is 'note' for plain news, 'published', 'failed' (a retry is scheduled), 'gave_up' (no more retries),
    'hold' for a standing hold, 'reminder' before a slot, and 'confirm' when a slot in confirm mode is due: then
    slot_ids are the slots `agent.services.scheduling.confirm_slot` would release (the Slack layer can hang a
    Publish button on it). Campaign assets' news comes with the same kinds.
    """

    season_id: int
    text: Notice | str  # a Notice: people are references the channel writes its own way
    kind: str = "note"
    slot_ids: tuple[int, ...] = ()

    @property
    def plain(self) -> str:
        """Channel-neutral text (people as @U…): logs, the CLI, tests."""
        return self.text.plain() if isinstance(self.text, Notice) else self.text


TONES = {"note": Tone.PLAIN, "published": Tone.SUCCESS, "failed": Tone.WARNING, "gave_up": Tone.WARNING,
         "hold": Tone.WARNING, "confirm": Tone.RELEASE, "reminder": Tone.REMINDER}


def notice(text: str, kind: str = "note") -> Notice:
    """Sweep wording as a Notice with the tone of its kind (braces in titles stay literal)."""
    return Notice(template=text.replace("{", "{{").replace("}", "}}"), tone=TONES.get(kind, Tone.PLAIN))


def message(season_id: int, text: str, kind: str = "note", slot_ids: tuple[int, ...] = ()) -> SweepMessage:
    """A SweepMessage whose text is a Notice of its kind."""
    return SweepMessage(season_id, notice(text, kind), kind, slot_ids)


@dataclass
class SweepResult:
    """What one sweep did. Counts are per sweep; messages carry only news (a standing hold is told once)."""

    published: int = 0
    skipped_already: int = 0
    held: int = 0
    failed: int = 0
    messages: list[SweepMessage] = field(default_factory=list)
    campaign_published: int = 0  # campaign assets (the counts above are episodes)
    campaign_held: int = 0
    campaign_failed: int = 0


def local_time(season: Season, instant: datetime) -> str:
    """'Tue 01 Dec 18:00 America/New_York' in the season's cadence zone (what the marketer asked for)."""
    zone_name = str((season.cadence or {}).get("timezone") or "UTC")
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone_name, zone = "UTC", ZoneInfo("UTC")
    return f"{as_utc(instant).astimezone(zone):%a %d %b %H:%M} {zone_name}"


def mentions(season: Season) -> tuple[str, dict[str, str]]:
    """('{a0} {a1}', {'a0': 'U1', …}) for the season's approvers (the people who can unblock a release)."""
    users = {f"a{i}": a.user_id for i, a in enumerate(season.approvers)}
    return " ".join("{" + field + "}" for field in users), users


def remind_unapproved(store: Store, now: datetime, *, before: timedelta = REMIND_BEFORE) -> list[SweepMessage]:
    """Remind the approvers, once per episode and slot time, when a slot within `before` has no approval yet.

    Why 24 h: enough time to review a 60-second episode, and close enough that the reminder is not forgotten. An
    episode re-scheduled to a new time is a new reminder; an approval given meanwhile silences it.
    """
    now = as_utc(now)
    messages: list[SweepMessage] = []
    with store.session() as session:
        rows = session.execute(
            select(Slot.publish_at, Episode).join(Episode, Slot.episode_id == Episode.id)
            .where(Slot.publish_at > now, Slot.publish_at <= now + before,
                   Episode.status != EpisodeStatus.PUBLISHED).order_by(Slot.publish_at)).all()
        first_slot: dict[int, tuple[datetime, Episode]] = {}
        for publish_at, episode in rows:
            first_slot.setdefault(episode.id, (as_utc(publish_at), episode))
        pending = []
        for publish_at, episode in first_slot.values():
            check = check_approval(session, episode)
            if check.approved:
                continue
            season = session.get_one(Season, episode.season_id)
            hours = max(1, round((publish_at - now).total_seconds() / 3600))
            people, users = mentions(season)
            text = Notice(template=(
                f"{people} episode {episode.number} '{{title}}' of '{{season}}' is due "
                f"{local_time(season, publish_at)} (in about {hours} h), but {{reason}}. Approve its latest render "
                "(Approve on its card) before then — otherwise '{season}' holds at that slot and nothing later "
                "goes out.").lstrip(), users=users, values={"title": episode.title, "season": season.title,
                                                             "reason": check.reason}, tone=Tone.REMINDER)
            pending.append((season.id, episode.id, publish_at, text))
    for season_id, episode_id, publish_at, text in pending:
        if note_once(store, season_id, "episode.reminded", {"episode_id": episode_id,
                                                            "publish_at": publish_at.isoformat()}, ever=True):
            messages.append(SweepMessage(season_id, text, kind="reminder"))
    return messages
