"""A season in review, built directly in a migrated store (no renders run), and a channel that records what it's told.

The recording channel stands at the outside edge (it is the ReviewChannel port Slack implements); everything
behind it — services, store, migrations — is the real code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from agent.domain import EpisodeScript, EpisodeStatus, LeadLock, Line, LookSpec
from agent.ports import Notice, PostedMessage, ReviewCard, ThreadRef
from agent.services.seasons import look_hash
from agent.store.db import Store
from agent.store.models import Approver, Episode, Look, Render, ReviewMessage, ScriptVersion, Season

CHANNEL = "C_TEST"
THREAD = "1700000000.000100"
CREATOR = "U_MAYA"
POSTED_AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def as_slack(text: str | Notice) -> str:
    """What the Slack adapter would write for people (`<@U…>`), so tests read one form."""
    return text.render(lambda uid: f"<@{uid}>") if isinstance(text, Notice) else text


@dataclass
class RecordingChannel:
    """Records every call (say, cards, uploads, ephemerals, blocks) in order."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    _ts: int = 0

    def _posted(self, thread: ThreadRef) -> PostedMessage:
        self._ts += 1
        return PostedMessage(channel_id=thread.channel_id, ts=f"1800000000.{self._ts:06d}")

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        self.calls.append(("say", as_slack(text)))
        return self._posted(thread)

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        self.calls.append(("post_for_review", card))
        return self._posted(thread)

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        self.calls.append(("update_card", card))

    def update_campaign(self, message: PostedMessage, card: object) -> None:
        pass

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        self.calls.append(("update_text", as_slack(text)))

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        self.calls.append(("upload", path))

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        self.calls.append(("notify_user", (user_id, as_slack(text))))

    def post_blocks(self, thread: ThreadRef, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        self.calls.append(("post_blocks", (text, blocks)))
        return self._posted(thread)

    def of(self, kind: str) -> list[Any]:
        """Payloads of one kind of call."""
        return [payload for name, payload in self.calls if name == kind]


@pytest.fixture
def channel() -> RecordingChannel:
    """A fresh recording channel."""
    return RecordingChannel()


def script(number: int) -> EpisodeScript:
    """A short valid episode script."""
    return EpisodeScript(number=number, title=f"Night {number}", cold_open="A door creaks.", beat="Nobody's there.",
                         cliffhanger="The lights go out.", product_moment="She opens a Lumen can.",
                         lines=[Line(speaker="Maya", text=f"Who's there? ({number})")])


def make_cover(path: Path, colour: tuple[int, int, int]) -> Path:
    """A small vertical cover image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (108, 192), colour).save(path)
    return path


@dataclass
class SeasonInReview:
    """Ids of a season whose episodes each have one DONE render with a posted card."""

    season_id: int
    render_ids: dict[int, int]  # episode number → render id
    card_ts: dict[int, str]


def build_season(store: Store, tmp: Path, episodes: int = 4, approvers: tuple[tuple[str, str | None], ...] = (),
                 quorum: int = 1) -> SeasonInReview:
    """The season, with its creator as approver plus `approvers`; every episode IN_REVIEW with a card posted."""
    with store.session() as session:
        season = Season(thread_key=f"T:{CHANNEL}:{THREAD}", team_id="T", channel_id=CHANNEL, thread_ts=THREAD,
                        title="Night Shift", status="REVIEW", created_by=CREATOR, quorum=quorum)
        season.approvers.append(Approver(user_id=CREATOR))
        for user, role in approvers:
            season.approvers.append(Approver(user_id=user, role=role))
        lead = LeadLock(persona_id=1, name="Maya", portrait_path="", portrait_hash="abc", seed=1)
        season.lead = lead.model_dump(mode="json")
        session.add(season)
        session.flush()
        spec = LookSpec()
        look = Look(season_id=season.id, version=1, spec=spec.model_dump(mode="json"), content_hash=look_hash(spec))
        session.add(look)
        session.flush()
        render_ids, card_ts = {}, {}
        for number in range(1, episodes + 1):
            episode = Episode(number=number, title=f"Night {number}", status=EpisodeStatus.IN_REVIEW)
            season.episodes.append(episode)
            episode.scripts.append(ScriptVersion(version=1, script=script(number).model_dump(mode="json")))
            session.flush()
            cover = make_cover(tmp / f"cover-{number}.png", (40 * number % 255, 90, 160))
            render = Render(episode=episode, script_version_id=episode.scripts[0].id, look_id=look.id,
                            input_hash=f"hash-{number}", status="DONE", video_path=str(tmp / f"ep{number}.mp4"),
                            cover_path=str(cover), duration_s=15.0, report={"passed": True, "summary": "ok"},
                            created_at=POSTED_AT - timedelta(minutes=5), finished_at=POSTED_AT)
            session.add(render)
            session.flush()
            ts = f"1700000001.{number:06d}"
            session.add(ReviewMessage(render_id=render.id, channel_id=CHANNEL, message_ts=ts, thread_ts=THREAD))
            render_ids[number], card_ts[number] = render.id, ts
        return SeasonInReview(season.id, render_ids, card_ts)
