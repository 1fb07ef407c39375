"""An application context on a migrated store, a season in review built directly (no renders run), and a channel
that records the domain views it is handed — the ReviewChannel port at the outside edge; everything behind it (use
cases, services, store, migrations) is the real code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from agent.artifacts import LocalArtifactStore
from agent.brain.offline import OfflineBrain
from agent.context import AppContext
from agent.domain import EpisodeScript, EpisodeStatus, LeadLock, Line, LookSpec
from agent.ports import (
    BatchQuestion,
    CampaignCard,
    Notice,
    PostedMessage,
    ReleaseQuestion,
    ReviewCard,
    ThreadRef,
)
from agent.services.seasons import look_hash
from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import Approver, Episode, Look, Render, ReviewMessage, ScriptVersion, Season

CHANNEL = "C_TEST"
THREAD = "1700000000.000100"
CREATOR = "U_MAYA"
APPROVER = "U_ARJUN"
BYSTANDER = "U_OLLY"
POSTED_AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def text_of(message: str | Notice) -> str:
    """What a person would read, channel-neutral."""
    return message if isinstance(message, str) else message.plain()


@dataclass
class RecordingChannel:
    """Records every call in order, with notices kept as notices (so tests can check user references)."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    _ts: int = 0

    def _posted(self, thread: ThreadRef) -> PostedMessage:
        self._ts += 1
        return PostedMessage(channel_id=thread.channel_id, ts=f"1800000000.{self._ts:06d}")

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        self.calls.append(("say", text))
        return self._posted(thread)

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        self.calls.append(("post_for_review", card))
        return self._posted(thread)

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        self.calls.append(("update_card", card))

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        self.calls.append(("update_text", text))

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        self.calls.append(("upload", path))

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        self.calls.append(("notify_user", (user_id, text)))

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        self.calls.append(("update_campaign", card))

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        self.calls.append(("post_campaign", card))
        return self._posted(thread)

    def ask_batch(self, thread: ThreadRef, question: BatchQuestion) -> PostedMessage:
        self.calls.append(("ask_batch", question))
        return self._posted(thread)

    def answer_batch(self, message: PostedMessage, answer: Notice) -> None:
        self.calls.append(("answer_batch", (message.ts, answer)))

    def ask_release(self, thread: ThreadRef, question: ReleaseQuestion) -> PostedMessage:
        self.calls.append(("ask_release", question))
        return self._posted(thread)

    def post_status(self, thread: ThreadRef, view: Any, board_png: Path | None = None) -> PostedMessage:
        self.calls.append(("post_status", view))
        return self._posted(thread)

    def ask_spend(self, thread: ThreadRef, view: Any) -> PostedMessage:
        self.calls.append(("ask_spend", view))
        return self._posted(thread)

    def update_spend(self, message: PostedMessage, view: Any) -> None:
        self.calls.append(("update_spend", (message.ts, view)))

    def offer_choices(self, thread: ThreadRef, text: str, choices: list[tuple[str, str]]) -> PostedMessage:
        self.calls.append(("offer_choices", (text, choices)))
        return self._posted(thread)

    def offer_brief_form(self, thread: ThreadRef, prefill: dict[str, Any]) -> PostedMessage:
        self.calls.append(("offer_brief_form", prefill))
        return self._posted(thread)

    def of(self, kind: str) -> list[Any]:
        """Payloads of one kind of call."""
        return [payload for name, payload in self.calls if name == kind]

    def said(self) -> list[str]:
        """Everything said in the thread, as text."""
        return [text_of(payload) for payload in self.of("say")]


@dataclass
class Harness:
    """The context, its recording channel, and what was enqueued."""

    app: AppContext
    channel: RecordingChannel
    renders: list[int] = field(default_factory=list)
    campaign: list[int] = field(default_factory=list)


@pytest.fixture
def harness(settings: Settings, store: Store) -> Harness:
    """A context with the offline brain, a local artifact store and recording queues."""
    channel = RecordingChannel()
    made = Harness(app=None, channel=channel)  # type: ignore[arg-type]
    made.app = AppContext(
        settings=settings, store=store, brain=OfflineBrain(), channel=channel,
        enqueue_render=made.renders.append, make_portrait=lambda *_: Path("x.png"),
        make_preview=lambda *_: Path("x.png"), artifacts=LocalArtifactStore(settings.artifacts_dir),
        enqueue_campaign=made.campaign.append)
    return made


def script(number: int) -> EpisodeScript:
    """A short valid episode script."""
    return EpisodeScript(number=number, title=f"Night {number}", cold_open="A door creaks.", beat="Nobody's there.",
                         cliffhanger="The lights go out.", product_moment="She opens a Lumen can.",
                         lines=[Line(speaker="Maya", text=f"Who's there? ({number})")])


@dataclass
class SeasonInReview:
    """Ids of a season whose episodes each have one render (DONE with a posted card unless told otherwise)."""

    season_id: int
    render_ids: dict[int, int]  # episode number → render id
    card_ts: dict[int, str]


def build_season(store: Store, tmp: Path, episodes: int = 3, approvers: tuple[str, ...] = (APPROVER,),
                 quorum: int = 1, running: tuple[int, ...] = (), unposted: tuple[int, ...] = ()) -> SeasonInReview:
    """The season (creator + `approvers` on the list); episodes IN_REVIEW with cards, except those `running` (render
    still RUNNING, no card) and `unposted` (render DONE, but its card never reached the thread)."""
    with store.session() as session:
        season = Season(thread_key=f"T:{CHANNEL}:{THREAD}", team_id="T", channel_id=CHANNEL, thread_ts=THREAD,
                        title="Night Shift", status="REVIEW", created_by=CREATOR, quorum=quorum)
        season.approvers.append(Approver(user_id=CREATOR))
        for user in approvers:
            season.approvers.append(Approver(user_id=user))
        season.lead = LeadLock(persona_id=1, name="Maya", portrait_path="", portrait_hash="abc",
                               seed=1).model_dump(mode="json")
        session.add(season)
        session.flush()
        spec = LookSpec()
        look = Look(season_id=season.id, version=1, spec=spec.model_dump(mode="json"), content_hash=look_hash(spec))
        session.add(look)
        session.flush()
        render_ids, card_ts = {}, {}
        for number in range(1, episodes + 1):
            status = EpisodeStatus.RENDERING if number in running else (
                EpisodeStatus.RENDERED if number in unposted else EpisodeStatus.IN_REVIEW)
            episode = Episode(number=number, title=f"Night {number}", status=status)
            season.episodes.append(episode)
            episode.scripts.append(ScriptVersion(version=1, script=script(number).model_dump(mode="json")))
            session.flush()
            cover = tmp / f"cover-{number}.png"
            (tmp / f"ep{number}.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")  # stands for the cut
            Image.new("RGB", (108, 192), (40 * number % 255, 90, 160)).save(cover)
            render = Render(episode=episode, script_version_id=episode.scripts[0].id, look_id=look.id,
                            input_hash=f"hash-{number}", status="RUNNING" if number in running else "DONE",
                            video_path=str(tmp / f"ep{number}.mp4"), cover_path=str(cover), duration_s=15.0,
                            report={"passed": True, "summary": "ok"}, created_at=POSTED_AT - timedelta(minutes=5),
                            finished_at=None if number in running else POSTED_AT)
            session.add(render)
            session.flush()
            render_ids[number] = render.id
            if number not in running and number not in unposted:
                ts = f"1700000001.{number:06d}"
                session.add(ReviewMessage(render_id=render.id, channel_id=CHANNEL, message_ts=ts, thread_ts=THREAD))
                card_ts[number] = ts
        return SeasonInReview(season.id, render_ids, card_ts)
