"""'Where are we?' — the season's state read from the database, as JSON (CLI), text (thread) or the audit trail.

Everything here is read from the database (approvals, slots, publications, the audit log), never from the
conversation's memory, so the answer is the same in the thread, the CLI and the season board.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import select

from agent.domain import Brief, Cadence
from agent.ports import Notice
from agent.services.approvals import counted_approvers, latest_render, missing_roles, waiting_on
from agent.services.spend import status_line as spend_status_line
from agent.store.db import Store
from agent.store.models import AuditEntry, ChangeRequest, Publication, Season, Slot

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class EpisodeView(BaseModel):
    """One episode's state for status answers."""

    number: int
    title: str
    status: str
    render_status: str | None = None
    versions: int = 0
    approved_by: list[str] = Field(default_factory=list)
    waiting_on: list[str] = Field(default_factory=list)
    missing_roles: list[str] = Field(default_factory=list)
    change_notes: list[str] = Field(default_factory=list)
    publish_at: str | None = None
    published: bool = False
    continuity_passed: bool | None = None
    cover_path: str | None = None
    releases: list[tuple[str, str]] = Field(default_factory=list)  # (destination, local ISO time), issue 15

    def release_times(self) -> str:
        """'TikTok 18:00 · YouTube Shorts 19:00' when the destinations drop at different times, else ''."""
        from agent.services.destinations import label

        if len({at for _, at in self.releases}) < 2:
            return ""
        return " · ".join(f"{label(p)} {datetime.fromisoformat(at):%H:%M}" for p, at in self.releases)


class BriefView(BaseModel):
    """The brief the season was written from (and the bible's banned words), for `status --json` and the board."""

    brand: str
    product: str
    audience: str
    tone: str
    episode_count: int
    episode_length_s: int
    cadence: str
    timezone: str
    banned_words: list[str] = Field(default_factory=list)


def plain_mention(user: str) -> str:
    """A person as channel-neutral text; adapters pass their own (the Slack adapter writes a real mention)."""
    return f"@{user}"


def cadence_text(cadence: Cadence) -> str:
    """"weekly on Tue, Fri at 18:00 Europe/London" — the cadence as a marketer reads it."""
    days = ", ".join(DAY_NAMES[d] for d in cadence.weekdays)
    shape = {"daily": "daily", "every_n_days": f"every {cadence.every_n_days} days",
             "weekly": f"weekly on {days}" if days else "weekly",
             "explicit": f"on {len(cadence.dates)} set dates"}[cadence.kind.value]
    return f"{shape} at {cadence.release_time.strftime('%H:%M')} {cadence.timezone}"


def local_time(moment: datetime, zone: str) -> str:
    """A slot in the season's own time zone (ISO with its offset), so calendars never read in UTC by surprise."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).isoformat()


class SeasonView(BaseModel):
    """The whole season at a glance."""

    id: int
    title: str
    status: str
    thread: str
    brief: BriefView | None = None
    approvers: list[str]
    roles: dict[str, str] = Field(default_factory=dict)  # approver → sign-off role
    quorum: int
    episodes: list[EpisodeView]
    spend: str | None = None  # the generative final pass: spent / approved / budget (None before any estimate)

    @property
    def next_publish(self) -> str | None:
        """Earliest unpublished slot."""
        upcoming = sorted(e.publish_at for e in self.episodes if e.publish_at and not e.published)
        return upcoming[0] if upcoming else None

    @property
    def waiting_on(self) -> list[str]:
        """Everyone whose approval some episode still needs, in approver order."""
        wanted = {u for e in self.episodes for u in e.waiting_on}
        return [a for a in self.approvers if a in wanted]

    @property
    def blockers(self) -> list[str]:
        """What stands between the season and its releases, most urgent first (mrkdwn)."""
        found: list[str] = []
        for ep in self.episodes:
            if ep.status == "FAILED":
                found.append(f"Ep {ep.number}: the render failed (I retry automatically)")
            elif ep.continuity_passed is False and ep.status in ("IN_REVIEW", "RENDERED"):
                found.append(f"Ep {ep.number}: continuity flagged — check before approving")
            if ep.status == "CHANGES_REQUESTED":
                note = f" (“{ep.change_notes[0]}”)" if ep.change_notes and ep.change_notes[0] else " (waiting for a note)"
                found.append(f"Ep {ep.number}: changes requested{note}")
            if ep.missing_roles and ep.status == "IN_REVIEW":
                found.append(f"Ep {ep.number}: needs {', '.join(ep.missing_roles)} sign-off")
        approved = [e for e in self.episodes if e.status == "APPROVED" and not e.publish_at]
        if approved and len(approved) == len(self.episodes):
            found.append("Everything is approved but not scheduled — say *schedule daily at 6pm*")
        return found

    def state_counts(self) -> dict[str, int]:
        """How many episodes are in each state."""
        counts: dict[str, int] = {}
        for ep in self.episodes:
            counts[ep.status] = counts.get(ep.status, 0) + 1
        return counts

    def to_text(self, mention: Callable[[str], str] = plain_mention) -> str:
        """Summary text (the CLI, the terminal, the fallback of the Block Kit answer); `mention` writes a person the
        channel's way (the Slack adapter passes its own; plain "@U1" otherwise)."""
        counts = self.state_counts()
        summary = ", ".join(f"{n} {s.lower().replace('_', ' ')}" for s, n in sorted(counts.items())) or "no episodes yet"
        lines = [f"*{self.title}* — stage *{self.status}* ({summary})"]
        for ep in self.episodes:
            extra = ""
            if ep.waiting_on:
                extra = " · waiting on " + ", ".join(mention(u) for u in ep.waiting_on)
            if ep.publish_at:
                extra += f" · {'published' if ep.published else 'drops'} {ep.publish_at}"
                extra += f" ({ep.release_times()})" if ep.release_times() else ""
            lines.append(f"• Ep {ep.number} _{ep.title}_ — {ep.status.lower().replace('_', ' ')}{extra}")
        if self.next_publish:
            lines.append(f"Next drop: {self.next_publish}")
        if self.blockers:
            lines.append("Blockers: " + "; ".join(self.blockers))
        if self.spend:
            lines.append(self.spend)
        lines.append("Approvers: " + (", ".join(self.approver_label(a, mention) for a in self.approvers) or "none")
                     + f" (quorum {self.quorum})")
        return "\n".join(lines)

    def approver_label(self, user: str, mention: Callable[[str], str] = plain_mention) -> str:
        """"@U1 (legal)" (written with the channel's `mention`)."""
        role = self.roles.get(user)
        return mention(user) + (f" ({role})" if role else "")


def season_view(store: Store, season_id: int) -> SeasonView:
    """Read the season and its episodes' states."""
    with store.session() as session:
        season = session.get(Season, season_id)
        if season is None:
            raise LookupError(f"No season with id {season_id}")
        approvers = [a.user_id for a in season.approvers]
        brief_view = None
        zone = "UTC"
        if season.brief:
            from agent.services.seasons import current_bible

            brief = Brief.model_validate(season.brief)
            zone = brief.cadence.timezone
            brief_view = BriefView(
                brand=brief.brand, product=brief.product, audience=brief.audience, tone=brief.tone,
                episode_count=brief.episode_count, episode_length_s=brief.episode_length_s,
                cadence=cadence_text(brief.cadence), timezone=zone,
                banned_words=list(current_bible(session, season).banned_words))
        episodes = []
        for ep in season.episodes:
            render = latest_render(ep)
            slot = session.scalar(select(Slot).where(Slot.episode_id == ep.id).order_by(Slot.publish_at))
            published = False
            if slot is not None:
                published = session.scalar(
                    select(Publication.id).where(Publication.slot_id == slot.id, Publication.status == "PUBLISHED")
                ) is not None
            report: dict[str, Any] = (render.report or {}) if render else {}
            notes = list(session.scalars(select(ChangeRequest.note).where(
                ChangeRequest.render_id == render.id, ChangeRequest.resolved_at.is_(None)))) if render else []
            episodes.append(EpisodeView(
                number=ep.number, title=ep.title, status=ep.status,
                render_status=render.status if render else None, versions=len(ep.renders),
                approved_by=counted_approvers(session, render, season) if render else [],
                waiting_on=waiting_on(session, render, season)
                if render is not None and ep.status in ("IN_REVIEW", "RENDERED") else [],
                missing_roles=missing_roles(session, render, season) if render else [],
                change_notes=notes,
                publish_at=local_time(slot.publish_at, zone) if slot else None, published=published,
                continuity_passed=report.get("passed") if report else None,
                cover_path=render.cover_path if render is not None and render.status == "DONE" else None,
                releases=[(s.platform, local_time(s.publish_at, zone)) for s in session.scalars(
                    select(Slot).where(Slot.episode_id == ep.id).order_by(Slot.publish_at, Slot.platform))],
            ))
        view = SeasonView(id=season.id, title=season.title, status=season.status, thread=season.thread_key,
                          brief=brief_view,
                          approvers=approvers, roles={a.user_id: a.role for a in season.approvers if a.role},
                          quorum=season.quorum, episodes=episodes)
    view.spend = spend_status_line(store, season_id)
    return view


def all_seasons(store: Store) -> list[tuple[int, str, str]]:
    """(id, title, status) of every season, newest first."""
    with store.session() as session:
        return [(s.id, s.title, s.status) for s in session.scalars(select(Season).order_by(Season.id.desc()))]


class AuditLine(BaseModel):
    """One decision from the audit log."""

    at: datetime
    actor: str
    action: str
    episode: int | None = None
    via: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)

    def to_text(self, mention: Callable[[str], str] | None = None) -> str:
        """"2026-07-01 18:02 UTC · @U1 approved Ep 3 (reaction)" (people written with the channel's `mention`)."""
        mention = mention or plain_mention
        verb = AUDIT_VERBS.get(self.action, self.action.replace(".", " ").replace("_", " "))
        what = f" Ep {self.episode}" if self.episode is not None else ""
        extra = ""
        if self.detail.get("user"):
            extra += f" {mention(self.detail['user'])}" + (f" ({self.detail['role']})" if self.detail.get("role") else "")
        if self.detail.get("quorum"):
            extra += f" {self.detail['quorum']}"
        if self.detail.get("episodes"):
            extra += " Ep " + ", ".join(str(n) for n in self.detail["episodes"])
        if self.detail.get("note"):
            extra += f" — “{self.detail['note']}”"
        if self.detail.get("scope") and self.detail["scope"] != "pending":
            extra += f" [{self.detail['scope']}]"
        if self.detail.get("reason"):
            extra += f" ({self.detail['reason'].replace('_', ' ')})"
        how = f" via {self.via}" if self.via else ""
        return f"{self.at:%Y-%m-%d %H:%M} UTC · {mention(self.actor)} {verb}{what}{extra}{how}"


AUDIT_VERBS = {
    "review.approved": "approved",
    "review.withdrawn": "withdrew approval of",
    "review.changes_requested": "asked for changes on",
    "review.refused": "was refused on",
    "review.batch_requested": "asked to batch-approve",
    "review.batch_confirmed": "confirmed batch approval of",
    "review.batch_cancelled": "cancelled a batch approval",
    "review.escalated": "escalated overdue",
    "approver.added": "added approver",
    "approver.removed": "removed approver",
    "approver.role_set": "set the role of",
    "quorum.set": "set the quorum to",
    "episode.revised": "revised",
    "episode.rerender": "queued a re-render of",
}
REVIEW_ACTIONS = tuple(AUDIT_VERBS)


def audit_trail(store: Store, season_id: int, episode: int | None = None, limit: int = 25) -> list[AuditLine]:
    """The review decisions of a season (optionally one episode's), oldest first, at most the last `limit`."""
    with store.session() as session:
        rows = session.scalars(select(AuditEntry).where(
            AuditEntry.season_id == season_id, AuditEntry.action.in_(REVIEW_ACTIONS),
        ).order_by(AuditEntry.at, AuditEntry.id)).all()
        lines = [AuditLine(at=row.at, actor=row.actor, action=row.action, episode=row.detail.get("episode"),
                           via=row.detail.get("via"), detail=dict(row.detail)) for row in rows]
    if episode is not None:
        lines = [line for line in lines if line.episode == episode or episode in line.detail.get("episodes", [])]
    return lines[-limit:]


def with_people(write: Callable[[Callable[[str], str]], str]) -> Notice:
    """A notice from text that names people: `write(mention)` writes the text, each person through `mention`.

    People become the notice's user references (a mention in Slack, a name in a terminal); everything else is
    template text with its braces escaped, so a note someone typed can never become a field.
    """
    users: dict[str, str] = {}

    def mark(user: str) -> str:
        key = f"u{len(users)}"
        users[key] = user
        return f"\x00{key}\x00"

    text = write(mark).replace("{", "{{").replace("}", "}}")
    for key in users:
        text = text.replace(f"\x00{key}\x00", "{" + key + "}")
    return Notice(template=text, users=users)


def audit_text(store: Store, season_id: int, episode: int | None = None) -> Notice:
    """The audit trail as a thread answer (people as references)."""
    lines = audit_trail(store, season_id, episode)
    scope = f"Ep {episode}" if episode is not None else "this season"
    if not lines:
        return Notice(template="No review decisions on record for {scope} yet.", values={"scope": scope})
    return with_people(lambda mention: f"*Audit trail — {scope}* (who, what, when, how)\n"
                       + "\n".join(f"• {line.to_text(mention)}" for line in lines))
