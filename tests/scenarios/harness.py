"""A scripted marketer talking to the real Conversation (graph, brain, store) through a recording channel.

The channel is the only stand-in: it records what the agent says and uploads (the Slack wire is tested in
tests/integrations/slack). Set CLIFFHANGER_SCENARIO_GEMINI_KEY (and optionally GEMINI_MODEL / GEMINI_BASE_URL) to
run the same scenarios against Gemini instead of the offline brain.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from agent.bootstrap import Runtime, build_runtime
from agent.conversation import Conversation
from agent.domain import Arc
from agent.ports import PostedMessage, ReviewCard, ThreadRef
from agent.settings import Settings
from agent.store.models import Approval, Publication, Season
from integrations.terminal import as_text

GEMINI_KEY_ENV = "CLIFFHANGER_SCENARIO_GEMINI_KEY"


@dataclass
class Said:
    """One thing the agent did in the thread."""

    kind: str  # say | upload | card | update
    text: str
    path: Path | None = None


@dataclass
class RecordingChannel:
    """ReviewChannel that records say/upload calls instead of posting them."""

    said: list[Said] = field(default_factory=list)
    _ts: Any = field(default_factory=lambda: itertools.count(time.time_ns() // 1000))  # unique across restarts

    def _posted(self, thread: ThreadRef) -> PostedMessage:
        return PostedMessage(channel_id=thread.channel_id, ts=f"{next(self._ts)}.000")

    def say(self, thread: ThreadRef, text: Any) -> PostedMessage:
        """Record a reply (a domain notice as the terminal would print it)."""
        self.said.append(Said("say", as_text(text)))
        return self._posted(thread)

    def answer_batch(self, message: PostedMessage, answer: Any) -> None:
        """Record a batch answer."""
        self.said.append(Said("say", as_text(answer)))

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        """Record a review card."""
        self.said.append(Said("card", f"Ep {card.episode_number}", card.video_path))
        return self._posted(thread)

    def post_blocks(self, thread: ThreadRef, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        """Record a structured message by its fallback text (what every channel can show)."""
        self.said.append(Said("say", text))
        return self._posted(thread)

    def post_status(self, thread: ThreadRef, view: Any, board_png: Path | None = None) -> PostedMessage:
        """Record the status answer by its text (and the board as an upload)."""
        self.said.append(Said("say", view.to_text()))
        if board_png is not None:
            self.upload(thread, board_png, f"Season board — {view.title}")
        return self._posted(thread)

    def offer_choices(self, thread: ThreadRef, text: str, choices: list[tuple[str, str]]) -> PostedMessage:
        """Record offered buttons: what each click would say."""
        self.said.append(Said("choices", " | ".join(says for _label, says in choices)))
        return self._posted(thread)

    def offer_brief_form(self, thread: ThreadRef, prefill: dict[str, Any]) -> PostedMessage:
        """Record the brief-form offer (a button in Slack) with what it is prefilled with."""
        self.said.append(Said("form", repr(sorted(prefill.items()))))
        return self._posted(thread)

    def post_campaign(self, thread: ThreadRef, card: Any) -> PostedMessage:
        """Record a campaign message."""
        self.said.append(Said("card", card.to_text()))
        return self._posted(thread)

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        """Record a card update."""
        self.said.append(Said("update", card.state))

    def update_campaign(self, message: PostedMessage, card: object) -> None:
        pass

    def update_text(self, message: PostedMessage, text: Any) -> None:
        """Record a progress edit."""
        self.said.append(Said("update", as_text(text)))

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        """Record an upload (the file must exist: a missing preview is a bug)."""
        assert Path(path).is_file(), f"uploaded file {path} does not exist"
        self.said.append(Said("upload", title, Path(path)))

    def notify_user(self, thread: ThreadRef, user_id: str, text: Any) -> None:
        """Record a private note."""
        self.said.append(Said("say", f"(to {user_id}) {as_text(text)}"))


def scenario_settings(home: Path) -> Settings:
    """Offline by default; Gemini when the scenario key is set in the environment."""
    key = os.environ.get(GEMINI_KEY_ENV) or None
    return Settings(CLIFFHANGER_HOME=home, DATABASE_URL=None, GOOGLE_API_KEY=key, SLACK_BOT_TOKEN=None,
                    REDIS_URL=None, GEMINI_MODEL=os.environ.get("GEMINI_MODEL", "gemini-2.5-flash"),
                    GEMINI_BASE_URL=os.environ.get("GEMINI_BASE_URL") or None)


class Marketer:
    """Talks in one thread; each `say` returns the agent's replies to that message."""

    def __init__(self, home: Path, thread_ts: str = "1000.0001", user: str = "U_MARKETER",
                 settings: Settings | None = None, render: bool = False) -> None:
        """Build the runtime (immediate queue) and a Conversation on `home`.

        With render=False the queued render ids are recorded instead of rendered (scenarios that stop at the
        look-lock must not spend a minute encoding video); the render rows are still planned in the database.
        """
        self.home = home
        self.thread_ts = thread_ts
        self.user = user
        self.render = render
        self.queued: list[int] = []
        self.settings = settings or scenario_settings(home)
        self.channel = RecordingChannel()
        self.runtime: Runtime = self._runtime()
        self.conversation = Conversation(self.runtime.context)

    def _runtime(self) -> Runtime:
        runtime = build_runtime(self.settings, self.channel, immediate_queue=True)
        if not self.render:
            runtime.context.enqueue_render = self.queued.append
        return runtime

    @property
    def store(self):  # type: ignore[no-untyped-def]
        """The season database."""
        return self.runtime.context.store

    def say(self, text: str, files: list[Path] | None = None) -> str:
        """Send one message; the agent's text replies to it, joined."""
        start = len(self.channel.said)
        self.conversation.handle(team_id="T1", channel_id="C1", thread_ts=self.thread_ts, user_id=self.user,
                                 text=text, files=files or [])
        return "\n".join(s.text for s in self.channel.said[start:] if s.kind == "say")

    def uploads_since(self, start: int) -> list[Said]:
        """Uploads recorded after position `start`."""
        return [s for s in self.channel.said[start:] if s.kind == "upload"]

    def restart(self) -> None:
        """Close everything and build new objects on the same data dir (a process restart)."""
        self.conversation.close()
        self.store.engine.dispose()
        self.channel = RecordingChannel()
        self.runtime = self._runtime()
        self.conversation = Conversation(self.runtime.context)

    def close(self) -> None:
        """Release the checkpointer and the engine."""
        self.conversation.close()
        self.store.engine.dispose()

    def arc(self) -> Arc:
        """The season's current arc."""
        season = self.season()
        assert season.arc is not None
        return Arc.model_validate(season.arc)

    def season(self) -> Season:
        """The thread's season row (detached)."""
        with self.store.session() as session:
            season = session.scalar(select(Season).where(Season.thread_ts == self.thread_ts))
            assert season is not None
            session.expunge(season)
            return season

    def episode_count(self) -> int:
        """Episode rows the season has in the database."""
        with self.store.session() as session:
            season = session.scalar(select(Season).where(Season.thread_ts == self.thread_ts))
            assert season is not None
            return len(season.episodes)

    def stage(self) -> str | None:
        """Where the conversation waits."""
        return self.conversation.stage(f"T1:C1:{self.thread_ts}")

    def approvals_and_publications(self) -> tuple[int, int]:
        """How many approvals and publications the database holds (must stay 0 whatever is typed)."""
        with self.store.session() as session:
            return (session.scalar(select(func.count()).select_from(Approval)) or 0,
                    session.scalar(select(func.count()).select_from(Publication)) or 0)
