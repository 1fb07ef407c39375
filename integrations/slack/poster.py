"""ReviewChannel over the Slack Web API: thread replies, MP4 uploads, approval cards, in-place updates."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from agent.ports import (
    BatchQuestion,
    CampaignCard,
    Notice,
    PostedMessage,
    ReleaseQuestion,
    ReviewCard,
    ThreadRef,
)
from agent.services.spend import SpendCardView
from integrations.slack.blocks.campaign_card import campaign_blocks, campaign_text
from integrations.slack.blocks.notice import notice_text
from integrations.slack.blocks.review_card import (
    batch_answered_blocks,
    batch_confirm_blocks,
    batch_question_text,
    card_text,
    release_blocks,
    release_text,
    review_card_blocks,
)
from integrations.slack.blocks.spend_card import spend_blocks, spend_text
from integrations.slack.mrkdwn import to_mrkdwn

log = logging.getLogger(__name__)


class SlackReviewChannel:
    """Posts into season threads with a WebClient (real Slack or the local emulator).

    One workspace: one `client`. Several (OAuth installs): `client_for(channel_id)` picks the workspace's token,
    and `client` only serves as the fallback.
    """

    def __init__(self, client: WebClient, client_for: Callable[[str], WebClient] | None = None) -> None:
        self._default = client
        self._client_for = client_for

    @property
    def client(self) -> WebClient:
        """The default client (the single workspace's)."""
        return self._default

    def _client(self, channel_id: str) -> WebClient:
        return self._client_for(channel_id) if self._client_for is not None else self._default

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        """A thread reply: Markdown converted to mrkdwn, long texts split (never inside a code block); a notice
        gets its mentions and mark written the Slack way."""
        last = None
        for chunk in split_message(to_mrkdwn(notice_text(text))):
            last = self._client(thread.channel_id).chat_postMessage(
                channel=thread.channel_id, thread_ts=thread.thread_ts, text=chunk, unfurl_links=False)
        assert last is not None
        return PostedMessage(channel_id=thread.channel_id, ts=last["ts"])

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Upload the MP4 (and the storyboard contact sheet) into the thread, then post the card (a video block
        cannot play a Slack-hosted MP4)."""
        self._client(thread.channel_id).files_upload_v2(
            channel=thread.channel_id, thread_ts=thread.thread_ts, file=str(card.video_path),
            filename=f"ep{card.episode_number:02d}-v{card.version}.mp4",
            title=f"Ep {card.episode_number} · {card.title} (v{card.version})",
        )
        if card.contact_sheet_path is not None and card.contact_sheet_path.exists():  # issue 13 §7
            self._client(thread.channel_id).files_upload_v2(
                channel=thread.channel_id, thread_ts=thread.thread_ts, file=str(card.contact_sheet_path),
                filename=f"ep{card.episode_number:02d}-v{card.version}-contact-sheet.png",
                title=f"Ep {card.episode_number} storyboard — one frame per shot (v{card.version})",
            )
        response = self._client(thread.channel_id).chat_postMessage(
            channel=thread.channel_id, thread_ts=thread.thread_ts, text=card_text(card), blocks=review_card_blocks(card))
        return PostedMessage(channel_id=thread.channel_id, ts=response["ts"])

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Show the card's new state in place."""
        self._client(message.channel_id).chat_update(channel=message.channel_id, ts=message.ts, text=card_text(card),
                                                     blocks=review_card_blocks(card))

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        """Edit a progress message (same mrkdwn conversion as `say`; one message, so cut to Slack's size)."""
        self._client(message.channel_id).chat_update(channel=message.channel_id, ts=message.ts,
                                                     text=split_message(to_mrkdwn(notice_text(text)))[0])

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Upload a picture or file into the thread."""
        kwargs = {"initial_comment": comment} if comment else {}
        self._client(thread.channel_id).files_upload_v2(channel=thread.channel_id, thread_ts=thread.thread_ts,
                                                        file=str(path), filename=path.name, title=title, **kwargs)

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        """An ephemeral note only `user_id` sees."""
        self._client(thread.channel_id).chat_postEphemeral(channel=thread.channel_id, thread_ts=thread.thread_ts,
                                                           user=user_id, text=to_mrkdwn(notice_text(text)))

    def _post_blocks(self, thread: ThreadRef, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        response = self._client(thread.channel_id).chat_postMessage(
            channel=thread.channel_id, thread_ts=thread.thread_ts, text=text[:3000], blocks=blocks,
            unfurl_links=False)
        return PostedMessage(channel_id=thread.channel_id, ts=response["ts"])

    def offer_choices(self, thread: ThreadRef, text: str, choices: list[tuple[str, str]]) -> PostedMessage:
        """Buttons for the choice just offered; a click says the choice in the thread (issue 12)."""
        from integrations.slack.blocks.choices import choice_blocks

        return self._post_blocks(thread, text, choice_blocks(text, choices))

    def offer_brief_form(self, thread: ThreadRef, prefill: dict[str, Any]) -> PostedMessage:
        """The button that opens the brief form, prefilled with what was understood (issue 12)."""
        from integrations.slack.blocks.brief_form import offer_blocks

        return self._post_blocks(thread, "Easier to fill in a form? Open the brief form.", offer_blocks(prefill))

    def ask_batch(self, thread: ThreadRef, question: BatchQuestion) -> PostedMessage:
        """The batch-approval question with Yes-approve / Cancel buttons."""
        return self._post_blocks(thread, batch_question_text(question), batch_confirm_blocks(question))

    def answer_batch(self, message: PostedMessage, answer: Notice) -> None:
        """The question becomes its answer (buttons gone)."""
        text = to_mrkdwn(notice_text(answer))
        self._client(message.channel_id).chat_update(channel=message.channel_id, ts=message.ts, text=text[:3000],
                                                     blocks=batch_answered_blocks(text))

    def ask_release(self, thread: ThreadRef, question: ReleaseQuestion) -> PostedMessage:
        """Confirm mode: the due release with a Publish button."""
        return self._post_blocks(thread, release_text(question), release_blocks(question))

    def ask_spend(self, thread: ThreadRef, view: SpendCardView) -> PostedMessage:
        """A paid pass's estimate with Approve spend / Cancel buttons (issue 14)."""
        return self._post_blocks(thread, spend_text(view), spend_blocks(view))

    def update_spend(self, message: PostedMessage, view: SpendCardView) -> None:
        """The estimate's decision in place (no buttons left)."""
        self._client(message.channel_id).chat_update(channel=message.channel_id, ts=message.ts,
                                                     text=spend_text(view), blocks=spend_blocks(view))

    def post_status(self, thread: ThreadRef, view: Any, board_png: Path | None = None) -> PostedMessage:
        """The status answer as Block Kit (fallback: the view's text), then the season board picture."""
        from integrations.slack.blocks.status import slack_mention, status_blocks

        posted = self._post_blocks(thread, view.to_text(slack_mention), status_blocks(view))
        if board_png is not None:
            self.upload(thread, board_png, f"Season board — {view.title}")
        return posted

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        """Upload each asset's media into the thread, then post one message with the copy inline (reactions on it
        approve the campaign assets it lists)."""
        for item in card.items:
            media = [f for f in item.files if f.suffix.lower() in (".mp4", ".png", ".jpg")]
            for index, path in enumerate(media, start=1):
                part = f" {index}/{len(media)}" if len(media) > 1 else ""
                self.client.files_upload_v2(channel=thread.channel_id, thread_ts=thread.thread_ts, file=str(path),
                                            filename=path.name,
                                            title=f"Ep {card.episode_number} · {item.label}{part} (v{item.version})")
        response = self.client.chat_postMessage(channel=thread.channel_id, thread_ts=thread.thread_ts,
                                                text=campaign_text(card)[:39000], blocks=campaign_blocks(card),
                                                unfurl_links=False)
        return PostedMessage(channel_id=thread.channel_id, ts=response["ts"])

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        """Show a campaign message's new state in place (buttons go once everything on it is decided)."""
        self.client.chat_update(channel=message.channel_id, ts=message.ts, text=campaign_text(card)[:39000],
                                blocks=campaign_blocks(card))


def split_message(text: str, limit: int = 3500) -> list[str]:
    """Split a long answer into messages Slack shows well, never inside a code block.

    Slack truncates very long texts and a code fence cut in two renders the rest of the thread as code, so: pack
    whole lines; prefer a blank-line (paragraph) boundary in the second half of a chunk; keep a code block whole
    when it fits, and when it alone is too long, cut it at line ends and close/reopen the fence on each piece.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    for unit in _units(text, limit):
        if current and _size(current + [unit]) > limit:
            cut = _paragraph_cut(current, limit)
            chunks.append("\n".join(current[:cut]))
            current = current[cut + 1:] if cut < len(current) else []
            if current and _size(current + [unit]) > limit:
                chunks.append("\n".join(current))
                current = []
        current.append(unit)
    chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def _size(lines: list[str]) -> int:
    return len("\n".join(lines))


def _paragraph_cut(lines: list[str], limit: int) -> int:
    """Index of the last blank line past half the limit (the chunk ends before it), else the whole list."""
    for index in range(len(lines) - 1, 0, -1):
        if lines[index] == "" and _size(lines[:index]) >= limit // 2:
            return index
    return len(lines)


def _units(text: str, limit: int) -> list[str]:
    """Lines, with each fenced code block as one unit (pieces of at most `limit`, each fenced)."""
    units: list[str] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith("```"):
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip().startswith("```")), len(lines) - 1)
            units.extend(_code_pieces(lines[index:end + 1], limit))
            index = end + 1
            continue
        units.extend(_long_line(line, limit) if len(line) > limit else [line])
        index += 1
    return units


def _code_pieces(block: list[str], limit: int) -> list[str]:
    """A fenced block whole if it fits, else line-cut pieces that each open and close their own fence."""
    whole = "\n".join(block)
    if len(whole) <= limit:
        return [whole]
    body = block[1:-1] if len(block) > 1 and block[-1].strip().startswith("```") else block[1:]
    room = limit - len("```\n\n```")
    pieces: list[str] = []
    current: list[str] = []
    for line in (part for raw in body for part in (_long_line(raw, room) if len(raw) > room else [raw])):
        if current and _size(current + [line]) > room:
            pieces.append("```\n" + "\n".join(current) + "\n```")
            current = []
        current.append(line)
    pieces.append("```\n" + "\n".join(current) + "\n```")
    return pieces


def _long_line(line: str, limit: int) -> list[str]:
    """A single over-long line cut at the last space before the limit (or hard, if it has none)."""
    parts: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    parts.append(line)
    return parts
