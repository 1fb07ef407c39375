"""Small interfaces to the outside world. `tools/` and `agent/` depend on these; `integrations/` implements them.

One composition root (agent.cli) wires concrete adapters to these ports.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from agent.domain import (
    Arc,
    Brief,
    CastMember,
    CharacterLock,
    EpisodeScript,
    LeadLock,
    LocationLock,
    LookSpec,
    PersonaBrief,
    Storyboard,
)

if TYPE_CHECKING:
    from agent.services.spend import SpendCardView
    from agent.understanding.context import MessageContext


class Intent(StrEnum):
    """What a marketer's free-text message means at the current stage."""

    PROCEED = "proceed"  # "looks good", "lock it", "go"
    REVISE = "revise"  # a change request in words
    UNDO = "undo"
    STATUS = "status"
    HELP = "help"
    START_OVER = "start_over"
    WHO_APPROVES = "who_approves"
    SCHEDULE = "schedule"
    ANSWER = "answer"  # supplying information the agent asked for
    UNKNOWN = "unknown"


class Interpretation(BaseModel):
    """The brain's reading of one message."""

    intent: Intent
    episode: int | None = None
    note: str = ""
    choice: int | None = None


class PersonaDraft(BaseModel):
    """A casting suggestion for the persona pool."""

    name: str
    description: str
    voice: str = "none"


@runtime_checkable
class Brain(Protocol):
    """Writes and revises the season. Offline (deterministic) and Gemini implement it."""

    name: str

    def extract_brief(self, text: str, known: dict[str, Any]) -> dict[str, Any]:
        """Pull brief fields out of free text, merged over what is already known (not yet validated)."""
        ...

    def write_arc(self, brief: Brief, bible: PersonaBrief) -> Arc:
        """Write a whole season arc from the brief."""
        ...

    def revise_episode(self, arc: Arc, number: int, note: str, bible: PersonaBrief) -> EpisodeScript:
        """Rewrite one episode following a note; everything else stays."""
        ...

    def propose_cast(self, brief: Brief, arc: Arc) -> list[PersonaDraft]:
        """Suggest lead candidates for the persona pool."""
        ...

    def interpret(self, text: str, stage: str) -> Interpretation:
        """Route a free-text message at a stage ("unknown" rather than a guess)."""
        ...

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Any]:
        """Every request a message carries, as typed actions of agent.understanding.actions (offline: the
        classifier and entity extraction; Gemini: a tool-calling agent over the same catalogue)."""
        ...


class RenderRequest(BaseModel):
    """Everything a video backend needs to render one episode, and nothing it must look up."""

    script: EpisodeScript
    look: LookSpec
    lead: LeadLock
    out_dir: Path
    season_title: str = ""
    next_episode_label: str | None = None
    fps: int = 30
    width: int = 1080
    height: int = 1920
    preset: str = "veryfast"
    banned_words: list[str] = Field(default_factory=list)
    # the drama renderer's inputs (issue 13); all optional: missing ones are derived from the script, offline
    storyboard: Storyboard | None = None  # the script version's "shots"; None → the offline storyboard writer
    cast: list[CastMember] = Field(default_factory=list)  # the arc's cast (names and roles)
    characters: list[CharacterLock] = Field(default_factory=list)  # locked appearances (lead excluded)
    locations: list[LocationLock] = Field(default_factory=list)  # the season's locations (2–5)
    brand: str = ""
    product: str = ""
    tone: str = ""  # the brief's tone: picks the music bed
    product_image_path: str | None = None  # an attached pack shot (PNG/JPG); None → a drawn one
    episode_length_s: float | None = None  # the brief's episode length the storyboard aims at
    # issue 14: the season the render belongs to (a paid backend finds the approved spend estimate covering it)
    season_id: int | None = None


class RenderOutput(BaseModel):
    """Files and facts of a finished render."""

    video_path: Path
    cover_path: Path
    teaser_path: Path | None = None
    duration_s: float
    width: int
    height: int
    file_hash: str
    voiced: bool = False
    voice: str = ""  # which voice spoke it ("espeak-ng", "gemini-tts", …); empty when silent
    # where each part sits in this file: "title", the shot names, "end" → (start, end) seconds. A voiced render is
    # paced by its speech, not by reading speed, so checks must read the windows the renderer really used.
    windows: dict[str, tuple[float, float]] = Field(default_factory=dict)
    contact_sheet_path: Path | None = None  # one PNG: a thumbnail per shot with its line (storyboard review)
    storyboard: Storyboard | None = None  # the shots this render really used (per-shot notes edit these)
    # per shot: number, type, location, characters, camera, window and where each figure/product sat (continuity)
    shots: list[dict[str, Any]] = Field(default_factory=list)
    references: dict[str, str] = Field(default_factory=dict)  # "char:Name" / "loc:cafe" / "product" → image path


class SpeechClip(BaseModel):
    """One synthesised line: a WAV file and how long it speaks."""

    path: Path
    duration_s: float


@runtime_checkable
class Voice(Protocol):
    """Speaks a line of dialogue into a WAV file (espeak-ng, piper, Gemini TTS; silent when it has no voices).

    `voices` lists the voice ids it can speak with; an empty tuple means it cannot speak at all, and renders stay
    silent with captions at reading speed. The lead's voice id is part of the lead lock (LeadLock.voice).
    """

    name: str
    voices: tuple[str, ...]

    def synthesize(self, text: str, voice_id: str, out_path: Path) -> SpeechClip:
        """Write `text` spoken by `voice_id` to `out_path` (WAV) and return its duration."""
        ...


class VideoBackend(Protocol):
    """Turns a RenderRequest into an MP4 (local renderer by default; avatar/AI-video backends plug in)."""

    name: str

    def render(self, request: RenderRequest) -> RenderOutput:
        """Render one episode; must be deterministic for the same request."""
        ...


@runtime_checkable
class PaidBackend(Protocol):
    """A video backend whose calls cost money (the generative final render): it prices a pass before any call."""

    name: str

    def render(self, request: RenderRequest) -> RenderOutput:
        """Render one episode, paid for by the approved estimate covering `request.season_id`."""
        ...

    def estimate_items(self, requests: list[RenderRequest]) -> list[Any]:
        """The spend estimate's line items (`agent.services.spend.LineItem`) for these episodes; no paid call."""
        ...


class ThreadRef(BaseModel):
    """Where a season's conversation lives."""

    channel_id: str
    thread_ts: str


class PostedMessage(BaseModel):
    """A message the review channel posted (its ts is what reactions point at)."""

    channel_id: str
    ts: str


class Tone(StrEnum):
    """What kind of news a notice is; each channel picks its own mark for it (an emoji in Slack, a symbol or
    nothing in a terminal), so the domain never writes channel syntax."""

    PLAIN = "plain"
    SUCCESS = "success"  # recorded, released
    CELEBRATE = "celebrate"  # every episode approved
    WARNING = "warning"  # a problem the thread must know about
    CALENDAR = "calendar"  # scheduled
    RELEASE = "release"  # a release waiting for its go
    PROGRESS = "progress"  # rendering …
    DONE = "done"  # all rendered
    CAMPAIGN = "campaign"
    REMINDER = "reminder"
    BATCH = "batch"


class Notice(BaseModel):
    """A message in domain terms: a template whose `{field}`s are people or plain values.

    `users` maps fields to user ids: the Slack adapter writes a mention, the terminal a name. `values` are plain
    text (notes people typed, titles): adapters escape them, so user text can never become markup. The template
    itself may use `*bold*` for a command to type (both adapters understand it).
    """

    template: str
    users: dict[str, str] = Field(default_factory=dict)
    values: dict[str, str] = Field(default_factory=dict)
    tone: Tone = Tone.PLAIN

    def render(self, user: Callable[[str], str], value: Callable[[str], str] = str) -> str:
        """The text with every field filled by the channel's own way of writing a person and a value."""
        fields = {name: user(uid) for name, uid in self.users.items()}
        fields.update({name: value(text) for name, text in self.values.items()})
        return self.template.format(**fields)

    def plain(self) -> str:
        """Channel-neutral text ("@U123" for people): logs, tests, fallbacks."""
        return self.render(lambda uid: f"@{uid}")


class BatchQuestion(BaseModel):
    """"Approve Ep 4–6 in one go?": asked of one approver, answered by them with *yes* or a button."""

    batch_id: int
    asker: str
    episodes: list[tuple[int, str]]  # (number, title)
    skipped: list[str] = Field(default_factory=list)


class ReleaseQuestion(BaseModel):
    """Confirm mode: an episode is due and waits for an approver's go (a Publish button, or *publish ep N*)."""

    season_id: int
    episode_number: int
    title: str
    when: str
    slot_ids: list[int]
    approvers: list[str] = Field(default_factory=list)


class ReviewChannel(Protocol):
    """Where episodes go for human review and where production news is told (Slack in production).

    Everything it takes is a domain view (cards, notices with user references, questions, the status view): only
    the adapter knows its own syntax (Block Kit, mrkdwn, mentions, emoji).
    """

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        """Post a message into the thread (plain conversational text, or a notice)."""
        ...

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Upload the episode video and post its approval card; returns the card message."""
        ...

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Show a card's new state in place (approved by …, superseded, …)."""
        ...

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        """Edit a progress message in place ("Rendering 3/10…")."""
        ...

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Upload a file (preview frame, cast sheet, board PNG) into the thread."""
        ...

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        """Tell one person something only they should see (an ephemeral note in Slack)."""
        ...

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        """Show a campaign message's new state in place."""
        ...

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        """Upload a campaign message's files (teaser, slides, quote) and post its copy; returns the message that
        reactions approve (update it later with `update_campaign`)."""
        ...

    def ask_batch(self, thread: ThreadRef, question: BatchQuestion) -> PostedMessage:
        """Ask the batch-approval question (Slack: with Yes-approve / Cancel buttons; a terminal: typed *yes*)."""
        ...

    def answer_batch(self, message: PostedMessage, answer: Notice) -> None:
        """Turn an asked batch question into its answer in place (no buttons left)."""
        ...

    def ask_release(self, thread: ThreadRef, question: ReleaseQuestion) -> PostedMessage:
        """Confirm mode: say an episode is due and offer its release (Slack: a Publish button)."""
        ...

    def post_status(self, thread: ThreadRef, view: Any, board_png: Path | None = None) -> PostedMessage:
        """The status answer (`tools.status.SeasonView`) and the season board picture."""
        ...

    def ask_spend(self, thread: ThreadRef, view: SpendCardView) -> PostedMessage:
        """Post a spend estimate for a paid pass (Slack: Approve spend / Cancel buttons; a terminal: typed
        *approve spend* / *cancel spend*)."""
        ...

    def update_spend(self, message: PostedMessage, view: SpendCardView) -> None:
        """Show an estimate's decision in place (approved by …, cancelled; no buttons left)."""
        ...

    def offer_choices(self, thread: ThreadRef, text: str, choices: list[tuple[str, str]]) -> PostedMessage:
        """Offer the likely answers as (label, what choosing it says); Slack shows buttons, a terminal a list.

        Choosing one is the same as typing its words, so every choice also works typed.
        """
        ...

    def offer_brief_form(self, thread: ThreadRef, prefill: dict[str, Any]) -> PostedMessage:
        """Offer the brief as a form prefilled with what was understood (Slack: a button opening a modal; a
        terminal: the fields to copy, fill in and send)."""
        ...


class ReviewCard(BaseModel):
    """What a reviewer sees for one render."""

    render_id: int
    episode_number: int
    title: str
    duration_s: float
    video_path: Path
    cover_path: Path | None = None
    continuity_summary: str = ""
    continuity_passed: bool = True
    version: int = 1
    state: str = "IN_REVIEW"
    approved_by: list[str] = Field(default_factory=list)
    changes_by: list[str] = Field(default_factory=list)
    missing_roles: list[str] = Field(default_factory=list)
    quorum: int = 1  # approvals the season needs per episode (the card shows "1 of 2")
    # issue 14: which pass this cut is, and for a final render its face-lock figures and what it cost
    pass_label: str = "Animatic"  # "Animatic" (first pass) or "Final render"
    identity_lines: list[str] = Field(default_factory=list)  # "Sofia: identity distance 0.41 (lock ≤ 0.50) in 9/9"
    identity_flagged: bool = False
    spend_usd: float | None = None
    # issue 13 §7: the storyboard contact sheet (a thumbnail per shot with its line), uploaded with the card
    contact_sheet_path: Path | None = None


class CampaignItem(BaseModel):
    """One campaign asset version as a reviewer sees it."""

    asset_id: int
    kind: str
    label: str
    version: int = 1
    files: list[Path] = Field(default_factory=list)
    text: str = ""
    state: str = "READY"
    findings: list[str] = Field(default_factory=list)
    publish_at: str | None = None
    approved_by: list[str] = Field(default_factory=list)


class CampaignCard(BaseModel):
    """One campaign message: an episode's surround assets, with how to approve or change them."""

    season_id: int
    episode_number: int
    title: str
    items: list[CampaignItem]

    def to_text(self) -> str:
        """The message as channel-neutral text (people by id, no markup); the Slack adapter writes its own."""
        lines = [f"Campaign for Ep {self.episode_number} · {self.title}"]
        for item in self.items:
            when = f" · goes out {item.publish_at}" if item.publish_at else ""
            who = f" · approved by {', '.join(f'@{u}' for u in item.approved_by)}" if item.approved_by else ""
            lines.append(f"\n{item.label} (v{item.version}) — {item.state.lower().replace('_', ' ')}{when}{who}")
            if item.findings:
                lines.append("Persona Brief: " + "; ".join(item.findings))
            if item.text:
                lines.append("\n".join(f"  {row}" for row in item.text.strip().splitlines()))
        kinds = ", ".join(dict.fromkeys(i.kind for i in self.items))
        lines.append(f"\nApprove to approve everything above, or reply e.g. “Ep {self.episode_number} "
                     f"{self.items[0].kind if self.items else 'quote'}: <what to change>” to redo one asset "
                     f"({kinds}).")
        return "\n".join(lines)


class PublishPackage(BaseModel):
    """One episode ready to publish: files and the metadata every publisher needs."""

    season_id: int
    season_title: str
    episode_number: int
    episode_title: str
    video_path: Path
    cover_path: Path | None
    caption: str
    hashtags: list[str]
    unlock: str
    destination: str
    publish_at: str
    approvals: list[dict[str, str]]
    idempotency_key: str
    kind: str = "episode"  # or a campaign asset kind: teaser, carousel, quote, writeup, bts
    extra_files: list[Path] = Field(default_factory=list)
    # issue 15: disclosures the platforms ask for, and the season's length for "Part N/M" where there are no series
    ai_generated: bool = True  # our episodes are generated: YouTube's containsSyntheticMedia, TikTok's AIGC label
    made_for_kids: bool | None = None  # None = the publisher's default (false); a season for children says true
    episode_count: int | None = None


class PublishResult(BaseModel):
    """Where the publisher put it."""

    external_id: str
    location: str


class Publisher(Protocol):
    """A publishing target (outbox, TikTok, webhook, email). Must be idempotent on package.idempotency_key."""

    name: str

    def publish(self, package: PublishPackage) -> PublishResult:
        """Publish once; a repeat with the same idempotency key returns the first result."""
        ...


@runtime_checkable
class ArtifactStore(Protocol):
    """Where files (renders, covers, teasers, uploads) live, so machines that did not make a file can still use it.

    A worker `put`s what it rendered and records the returned *reference* in the database; the Slack poster and the
    publishers, maybe on other machines, turn a reference back into a local file with `open_local`. The local store's
    references are plain absolute paths, so a single-machine install sees exactly the paths it always did.
    """

    def put(self, local_path: Path, key: str) -> str:
        """Store a local file under `key` (e.g. "season-1/render-ab12/ep01.mp4"); return its durable reference."""
        ...

    def open_local(self, ref: str) -> Path:
        """A local file holding the referenced content (downloaded into this process's cache when remote)."""
        ...

    def exists(self, ref: str) -> bool:
        """True when the referenced file is still in the store (a render cache hit needs its file, not just a row)."""
        ...


@runtime_checkable
class StoryboardWriter(Protocol):
    """Writes an episode's shot list (issue 13 §1): Gemini through structured output when keyed, held to the same
    format validator as the offline writer, which it falls back to; the offline path keeps the deterministic one."""

    def write_storyboard(self, script: EpisodeScript, lead: str, locations: list[str],
                         length_s: float | None = None) -> Storyboard:
        """6–14 shots for `script`, in the season's `locations` (keys), lasting `length_s` (None: as the lines need);
        never raises over a bad model answer (the deterministic storyboard takes its place)."""
        ...


@runtime_checkable
class LocationPainter(Protocol):
    """Makes a season location's reference image (issue 13 §3): drawn offline, Gemini-generated when keyed.

    The same location, look and size give the same file, so its content hash is the location's lock across the
    season's episodes; a keyed painter that cannot get a usable image returns the drawn one instead of failing.
    """

    name: str

    def paint(self, location: LocationLock, look: LookSpec, size: tuple[int, int]) -> Path:
        """The reference image (PNG, exactly `size` = (width, height)) for this location in this look."""
        ...
