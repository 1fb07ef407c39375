"""What a use case did, as typed domain events.

Every entry point (a reaction, a button, a modal, a typed reply, the terminal, the sweep) gets the same events
back; `agent.app.followups` turns them into the same follow-ups (cards refreshed, campaign started, the thread
told, the refused person told privately), and an entry point renders whatever else it wants from them.
Events carry ids and facts, never channel syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.ports import BatchQuestion, Notice, ReleaseQuestion
from agent.services.spend import SpendCardView


@dataclass(frozen=True)
class Event:
    """Something that happened in one season."""

    season_id: int


@dataclass(frozen=True)
class VoteEvent(Event):
    """A vote on one render of one episode."""

    render_id: int
    episode: int
    voter: str
    via: str


@dataclass(frozen=True)
class VoteCounted(VoteEvent):
    """Recorded; the episode still needs more approvals (quorum or a role)."""


@dataclass(frozen=True)
class Approved(VoteEvent):
    """Recorded, and the episode's latest render reached quorum with every role signed off."""

    episode_id: int = 0


@dataclass(frozen=True)
class VoteRefused(Event):
    """Not recorded, with why (`reason`: not_approver, superseded, already_published, not_ready, not_posted,
    no_episode, no_season) and what to tell the person (`text`, shown privately)."""

    episode: int | None
    voter: str
    reason: str
    text: Notice
    render_id: int | None = None


@dataclass(frozen=True)
class ChangesRequested(VoteEvent):
    """A change request recorded; `note` is empty until the person says what should change."""

    note: str = ""


@dataclass(frozen=True)
class Withdrawn(VoteEvent):
    """An approval taken back before publication; `still_approved` when the others' approvals carry it."""

    still_approved: bool = False


@dataclass(frozen=True)
class WithdrawnAfterPublish(VoteEvent):
    """An approval taken back after the episode went out: audited, the publication stands, the thread is told."""


@dataclass(frozen=True)
class CampaignVoted(Event):
    """A vote on a campaign message (teaser, carousel, quote…): the same gate; its messages are refreshed, new asset
    versions generated, and `text` told — privately when `private` (a refusal)."""

    voter: str
    outcome: str
    render_ids: tuple[int, ...] = ()
    enqueue: tuple[int, ...] = ()
    text: Notice | None = None
    private: bool = False


@dataclass(frozen=True)
class AllApproved(Event):
    """Every episode of the season is approved (or further along)."""

    episode_count: int


@dataclass(frozen=True)
class BatchAsked(Event):
    """An approver asked to approve several episodes; nothing is recorded until they answer yes."""

    question: BatchQuestion


@dataclass(frozen=True)
class BatchAnswered(Event):
    """A batch question answered (yes: one approval per episode, as events of their own; or cancelled)."""

    batch_id: int
    by: str
    confirmed: bool
    answer: Notice
    question_ts: str | None = None


@dataclass(frozen=True)
class ApproversChanged(Event):
    """Approvers, roles or quorum changed; `changed_renders` are renders whose state moved as a result."""

    actor: str
    text: Notice
    changed_renders: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChangeRefused(Event):
    """A rule change (approvers, roles, quorum) refused, with the reason; audited."""

    actor: str
    reason: str
    text: Notice


@dataclass(frozen=True)
class Scheduled(Event):
    """Release slots booked (or refused: `ok` False); `text` is the reply."""

    ok: bool
    text: Notice


@dataclass(frozen=True)
class ReleaseDue(Event):
    """Confirm mode: a due episode waits for an approver's go."""

    question: ReleaseQuestion


@dataclass(frozen=True)
class ReleaseConfirmed(Event):
    """An approver released a confirm-mode episode; the next sweep publishes it."""

    by: str
    episode: int
    text: Notice
    slot_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReleaseRefused(Event):
    """A release refused (not an approver, nothing waiting…), told to the person."""

    by: str
    text: Notice


@dataclass(frozen=True)
class Published(Event):
    """An episode or campaign asset went out."""

    text: Notice


@dataclass(frozen=True)
class PublishFailed(Event):
    """A publication attempt failed; it will be retried."""

    text: Notice


@dataclass(frozen=True)
class GaveUp(Event):
    """A publication stopped retrying; a person must act."""

    text: Notice


@dataclass(frozen=True)
class Said(Event):
    """Plain news for the thread (holds, reminders, production news)."""

    text: Notice


@dataclass(frozen=True)
class FiguresShown(Event):
    """The season's figures for the thread: the funnel in sentences and its chart (None until there are figures)
    — the answer to "how are we doing?" and the weekly digest."""

    text: Notice
    png: Path | None = None
    title: str = "Season funnel"


@dataclass(frozen=True)
class Told(Event):
    """A private answer to one person (a refusal that is nobody else's business)."""

    user: str
    text: Notice


@dataclass(frozen=True)
class RendersQueued(Event):
    """Renders (re)queued: by "render again", a redo, or a repost that needed a fresh render."""

    render_ids: tuple[int, ...]
    text: Notice | None = None


@dataclass(frozen=True)
class CardsChanged(Event):
    """Cards whose state changed for another reason (a redo supersedes the old cut)."""

    render_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SpendAsked(Event):
    """A spend estimate for the paid final pass is posted for an approver's decision (issue 14)."""

    view: SpendCardView


@dataclass(frozen=True)
class SpendDecided(Event):
    """An approver approved (final renders queued) or cancelled an estimate; its card changes in place."""

    view: SpendCardView
    by: str
    text: Notice
    message_ts: str | None = None
    render_ids: tuple[int, ...] = ()
