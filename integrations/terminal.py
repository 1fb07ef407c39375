"""ReviewChannel for `cliffhanger chat`: the same agent, printed to a terminal with rich.

Domain views become plain text here (people as @id, tones as a symbol); `:+1: 3` / `:-1: 3` are votes that go
through the same use case as a Slack reaction, so the card refresh, "all approved" and the campaign start follow.
"""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from agent.app.events import Event, VoteRefused
from agent.app.spend import APPROVE as SPEND_APPROVE
from agent.app.spend import CANCEL as SPEND_CANCEL
from agent.app.spend import decide as spend_decide
from agent.app.votes import parse_typed_vote, vote_on_episode
from agent.context import AppContext
from agent.ports import (
    BatchQuestion,
    CampaignCard,
    Notice,
    PostedMessage,
    ReleaseQuestion,
    ReviewCard,
    ThreadRef,
    Tone,
)
from agent.services.seasons import find_season, thread_key
from agent.services.spend import SpendCardView

TONE_MARKS = {Tone.SUCCESS: "✔", Tone.CELEBRATE: "🎉", Tone.WARNING: "⚠", Tone.CALENDAR: "📅", Tone.RELEASE: "✋",
              Tone.PROGRESS: "⏳", Tone.DONE: "🎬", Tone.CAMPAIGN: "📣", Tone.REMINDER: "⏰", Tone.BATCH: "☑"}


def as_text(message: str | Notice) -> str:
    """A notice as terminal text (people as @id); plain text as it is."""
    if isinstance(message, str):
        return message
    text = message.render(lambda uid: "you" if uid == "you" else f"@{uid}")
    mark = TONE_MARKS.get(message.tone)
    return f"{mark} {text}" if mark else text


class TerminalChannel:
    """Prints what Slack would show."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._ts = itertools.count(time.time_ns() // 1000)  # unique per thread across restarts (issue 12)

    def _posted(self, thread: ThreadRef) -> PostedMessage:
        return PostedMessage(channel_id=thread.channel_id, ts=f"{next(self._ts)}.0")

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        """Print a reply."""
        self.console.print(f"[bold cyan]cliffhanger ›[/] {escape(as_text(text))}")
        return self._posted(thread)

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Print the episode card with the file path."""
        self.console.print(f"[bold green]▶ Ep {card.episode_number} · {escape(card.title)}[/] · "
                           f"{escape(card.pass_label)} (v{card.version}, "
                           f"{card.duration_s:.0f} s) {card.video_path}\n  {escape(card.continuity_summary)}\n"
                           + "".join(f"  {escape(line)}\n" for line in card.identity_lines)
                           + (f"  generative spend ${card.spend_usd:,.2f}\n" if card.spend_usd is not None else "")
                           + (f"  storyboard: {card.contact_sheet_path}\n" if card.contact_sheet_path else "")
                           + f"  approve with ':+1: {card.episode_number}', request changes with "
                           f"':-1: {card.episode_number}'", emoji=False)  # what to type, not 👍 (not a vote)
        return self._posted(thread)

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Print the card's new state."""
        who = f" (approved by {', '.join(card.approved_by)})" if card.approved_by else ""
        self.console.print(f"  Ep {card.episode_number}: {card.state.lower().replace('_', ' ')}{escape(who)}")

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        """Print progress."""
        self.console.print(f"[dim]{escape(as_text(text))}[/]")

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Print where the file is."""
        self.console.print(f"[dim]📎 {escape(title)}: {path}[/]")

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        """Print a private note."""
        self.console.print(f"[yellow](only you) {escape(as_text(text))}[/]")

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        """Print a campaign message's new state."""
        self.console.print(card.to_text(), markup=False)

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        """Print the campaign message with where each file is."""
        for item in card.items:
            for path in item.files:
                self.console.print(f"[dim]📎 Ep {card.episode_number} · {escape(item.label)}: {path}[/]")
        self.console.print(escape(card.to_text()))
        return self._posted(thread)

    def ask_batch(self, thread: ThreadRef, question: BatchQuestion) -> PostedMessage:
        """The batch question; a terminal answers by typing."""
        listing = ", ".join(f"Ep {n}" for n, _ in question.episodes)
        text = f"Approve {listing} in one go? Each gets its own approval on record. Type *yes* or *no*."
        if question.skipped:
            text += "\nLeft out: " + "; ".join(question.skipped) + "."
        return self.say(thread, text)

    def answer_batch(self, message: PostedMessage, answer: Notice) -> None:
        """Nothing to replace in a terminal: the answer was already said."""

    def ask_release(self, thread: ThreadRef, question: ReleaseQuestion) -> PostedMessage:
        """Confirm mode: the due release; a terminal releases by typing."""
        return self.say(thread, f"✋ Ep {question.episode_number} '{question.title}' is due ({question.when}). Type "
                                f"*publish ep {question.episode_number}* to release it.")

    def ask_spend(self, thread: ThreadRef, view: SpendCardView) -> PostedMessage:
        """A paid pass's estimate; a terminal decides by typing (approvers only, as in Slack)."""
        text = "\n".join(view.lines()) + "\nType *approve spend* to approve it, or *cancel spend*."
        self.console.print(f"[bold magenta]💳[/] {escape(text)}")
        return self._posted(thread)

    def update_spend(self, message: PostedMessage, view: SpendCardView) -> None:
        """Print the estimate's decision."""
        self.console.print(f"[dim]{escape(view.lines()[0])}: {view.status.lower()}[/]")

    def offer_choices(self, thread: ThreadRef, text: str, choices: list[tuple[str, str]]) -> PostedMessage:
        """The likely answers as a list of what to type (Slack shows them as buttons)."""
        lines = "\n".join(f"  • {label} — type *{says}*" for label, says in choices)
        return self.say(thread, f"{text}\n{lines}")

    def offer_brief_form(self, thread: ThreadRef, prefill: dict[str, Any]) -> PostedMessage:
        """The brief as labelled lines to copy, complete and send back (Slack opens a form instead)."""
        labels = {"brand": "Brand", "product": "Product", "audience": "Audience", "tone": "Tone",
                  "episode_count": "Episodes", "episode_length_s": "Episode length", "cadence": "Cadence"}
        units = {"episode_length_s": " seconds"}
        lines = "\n".join(f"{label}: {prefill[name]}{units.get(name, '')}" if prefill.get(name) not in (None, "")
                           else f"{label}: " for name, label in labels.items())
        return self.say(thread, f"Easier as a form? Copy this, fill in the blanks and send it:\n{lines}")

    def post_status(self, thread: ThreadRef, view: Any, board_png: Path | None = None) -> PostedMessage:
        """The status view as text, and where the board picture is."""
        posted = self.say(thread, view.to_text())
        if board_png is not None:
            self.upload(thread, board_png, f"Season board — {view.title}")
        return posted


def describe(events: list[Event]) -> str:
    """The terminal's one-line answer to a typed vote (what the follow-ups did not already print)."""
    for event in events:
        if isinstance(event, VoteRefused):
            return ""  # told already, as a private note
    names = [type(e).__name__ for e in events]
    if "Approved" in names:
        return "approved"
    if "VoteCounted" in names:
        return "counted — more approvals needed"
    if "ChangesRequested" in names:
        return "changes requested — tell me what should change."
    return ""


def terminal_review_command(app: AppContext, text: str, thread: str) -> bool:
    """':+1: 3' / ':-1: 3' in the terminal record votes through the same use case as Slack reactions; *approve
    spend* / *cancel spend* decide on a spend estimate like its buttons."""
    typed = parse_typed_vote(text)
    spend_word = SPEND_APPROVE.search(text) or SPEND_CANCEL.search(text)
    if typed is None and not spend_word:
        return False
    where = ThreadRef(channel_id="terminal", thread_ts=thread)
    with app.store.session() as session:
        season = find_season(session, thread_key("local", "terminal", thread))
        season_id = season.id if season is not None else None
    if season_id is None:
        app.channel.say(where, "No season yet — tell me the brief first.")
        return True
    if typed is None:  # "approve spend" / "cancel spend": the same use case as the Slack buttons
        spend_decide(app, actor="you", approve=bool(SPEND_APPROVE.search(text)), season_id=season_id)
        return True
    approve, number = typed
    events = vote_on_episode(app, season_id=season_id, number=number, user_id="you", approve=approve,
                             via="terminal")
    answer = describe(events)
    if answer:
        app.channel.say(where, f"Ep {number}: {answer}")
    return True


ATTACHABLE = (".png", ".svg", ".jpg", ".jpeg", ".webp", ".ttf", ".otf")


def split_attachments(text: str) -> tuple[str, list[Path]]:
    """Words that name existing logo/font/portrait files become attachments (the terminal's file upload).

    "here's our logo ./brand/logo.svg" → ("here's our logo", [Path("brand/logo.svg")]). Paths with spaces can be
    quoted. Anything that is not an existing file of an attachable type stays in the message (apostrophes too).
    """
    files: list[Path] = []
    kept = text
    for match in re.finditer(r"([\"'])([^\"']+?\.\w{3,4})\1|(\S+\.\w{3,4})\b", text):
        candidate = Path(match.group(2) or match.group(3)).expanduser()
        if candidate.suffix.lower() in ATTACHABLE and candidate.is_file():
            files.append(candidate)
            kept = kept.replace(match.group(0), " ", 1)
    return (" ".join(kept.split()), files) if files else (text, [])
