"""ReviewChannel for `cliffhanger chat`: the same agent, printed to a terminal with rich."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from agent.context import AppContext
from agent.ports import CampaignCard, PostedMessage, ReviewCard, ThreadRef
from agent.services.approvals import latest_render
from agent.services.review import vote
from agent.services.seasons import find_season, thread_key

VOTE = re.compile(r"^:(\+1|-1):\s*(\d+)\s*$")


class TerminalChannel:
    """Prints what Slack would show."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._ts = itertools.count(1)

    def _posted(self, thread: ThreadRef) -> PostedMessage:
        return PostedMessage(channel_id=thread.channel_id, ts=f"{next(self._ts)}.0")

    def say(self, thread: ThreadRef, text: str) -> PostedMessage:
        """Print a reply."""
        self.console.print(f"[bold cyan]cliffhanger ›[/] {escape(text)}")
        return self._posted(thread)

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Print the episode card with the file path."""
        self.console.print(f"[bold green]▶ Ep {card.episode_number} · {card.title}[/] (v{card.version}, "
                           f"{card.duration_s:.0f} s) {card.video_path}\n  {card.continuity_summary}\n"
                           f"  approve with ':+1: {card.episode_number}', request changes with "
                           f"':-1: {card.episode_number}'")
        return self._posted(thread)

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Print the card's new state."""
        self.console.print(f"  Ep {card.episode_number}: {card.state.lower().replace('_', ' ')}")

    def update_text(self, message: PostedMessage, text: str) -> None:
        """Print progress."""
        self.console.print(f"[dim]{escape(text)}[/]")

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Print where the file is."""
        self.console.print(f"[dim]📎 {escape(title)}: {path}[/]")

    def notify_user(self, thread: ThreadRef, user_id: str, text: str) -> None:
        """Print a private note."""
        self.console.print(f"[yellow](only you) {escape(text)}[/]")

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        """Print a campaign message's new state."""
        self.console.print(card.to_text(), markup=False)

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        """Print the campaign message with where each file is."""
        for item in card.items:
            for path in item.files:
                self.console.print(f"[dim]📎 Ep {card.episode_number} · {item.label}: {path}[/]")
        self.console.print(escape(card.to_text()))
        return self._posted(thread)

    def post_blocks(self, thread: ThreadRef, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        """Print the fallback text (a terminal has no Block Kit; buttons are answered by typing, e.g. "yes")."""
        self.console.print(f"[bold cyan]cliffhanger ›[/] {escape(text)}")
        return self._posted(thread)


def terminal_review_command(app: AppContext, text: str, thread: str) -> bool:
    """':+1: 3' / ':-1: 3' in the terminal record votes through the same review service as Slack reactions."""
    match = VOTE.match(text)
    if not match:
        return False
    with app.store.session() as session:
        season = find_season(session, thread_key("local", "terminal", thread))
        episode = next((e for e in season.episodes if e.number == int(match.group(2))), None) if season else None
        render = latest_render(episode) if episode else None
        if render is None:
            app.channel.say(ThreadRef(channel_id="terminal", thread_ts=thread), "No rendered episode with that number.")
            return True
        decision = vote(session, render=render, user_id="you", approve=match.group(1) == "+1", via="terminal")
    app.channel.say(ThreadRef(channel_id="terminal", thread_ts=thread),
                    f"Ep {decision.episode_number}: {decision.outcome.value.replace('_', ' ')}"
                    + (" — tell me what should change." if decision.outcome.value == "changes_requested" else ""))
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
