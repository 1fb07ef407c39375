"""ReviewChannel over the Slack Web API: thread replies, MP4 uploads, approval cards, in-place updates."""

from __future__ import annotations

import logging
from pathlib import Path

from slack_sdk import WebClient

from agent.ports import PostedMessage, ReviewCard, ThreadRef
from integrations.slack.blocks.review_card import card_text, review_card_blocks

log = logging.getLogger(__name__)


class SlackReviewChannel:
    """Posts into season threads with a WebClient (real Slack or the local emulator)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def say(self, thread: ThreadRef, text: str) -> PostedMessage:
        """A thread reply (long texts are split at paragraph boundaries)."""
        last = None
        for chunk in split_message(text):
            last = self.client.chat_postMessage(channel=thread.channel_id, thread_ts=thread.thread_ts, text=chunk,
                                                unfurl_links=False)
        assert last is not None
        return PostedMessage(channel_id=thread.channel_id, ts=last["ts"])

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Upload the MP4 into the thread, then post the card (a video block cannot play a Slack-hosted MP4)."""
        self.client.files_upload_v2(
            channel=thread.channel_id, thread_ts=thread.thread_ts, file=str(card.video_path),
            filename=f"ep{card.episode_number:02d}-v{card.version}.mp4",
            title=f"Ep {card.episode_number} · {card.title} (v{card.version})",
        )
        response = self.client.chat_postMessage(channel=thread.channel_id, thread_ts=thread.thread_ts,
                                                text=card_text(card), blocks=review_card_blocks(card))
        return PostedMessage(channel_id=thread.channel_id, ts=response["ts"])

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Show the card's new state in place."""
        self.client.chat_update(channel=message.channel_id, ts=message.ts, text=card_text(card),
                                blocks=review_card_blocks(card))

    def update_text(self, message: PostedMessage, text: str) -> None:
        """Edit a progress message."""
        self.client.chat_update(channel=message.channel_id, ts=message.ts, text=text)

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Upload a picture or file into the thread."""
        kwargs = {"initial_comment": comment} if comment else {}
        self.client.files_upload_v2(channel=thread.channel_id, thread_ts=thread.thread_ts, file=str(path),
                                    filename=path.name, title=title, **kwargs)

    def notify_user(self, thread: ThreadRef, user_id: str, text: str) -> None:
        """An ephemeral note only `user_id` sees."""
        self.client.chat_postEphemeral(channel=thread.channel_id, thread_ts=thread.thread_ts, user=user_id, text=text)


def split_message(text: str, limit: int = 3500) -> list[str]:
    """Split long answers at blank lines, then lines, so each chunk stays under Slack's comfortable size."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        candidate = f"{current}\n{paragraph}" if current else paragraph
        if len(candidate) > limit and current:
            chunks.append(current)
            current = paragraph[:limit]
        else:
            current = candidate[: limit * 2]
    if current:
        chunks.append(current)
    return chunks
