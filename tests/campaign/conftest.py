"""A season in a real migrated store with approved episodes, and a review channel that records what it was asked.

The channel is the only fake (the outside edge: Slack); the store, services and generators are the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.domain import EpisodeScript, LeadLock, Line, LookSpec, Palette, PersonaBrief
from agent.ports import CampaignCard, Notice, PostedMessage, ReviewCard, ThreadRef
from agent.services.seasons import look_hash
from agent.store.db import Store
from agent.store.models import (
    Approval,
    Approver,
    Episode,
    Look,
    PersonaBriefVersion,
    Render,
    ReviewMessage,
    ScriptVersion,
    Season,
)
from tests.services.conftest import as_slack
from tools.portrait import generate_portrait, image_hash

LOOK = LookSpec(palette=Palette(background="#14121F", primary="#F2C14E", accent="#E4572E", text="#FFFFFF"),
                logo_text="BREWCO")
APPROVER, OTHER = "U_ARJUN", "U_OLLY"
# Words that appear only in one episode, so a leak from a later episode is detectable.
SECRETS = {1: "lighthouse", 2: "violin", 3: "glacier", 4: "saffron", 5: "typewriter", 6: "zeppelin"}


def script(number: int) -> EpisodeScript:
    """An episode with a distinctive word in every field, including the cliffhanger."""
    word = SECRETS[number]
    return EpisodeScript(
        number=number, title=f"The {word.title()} Night", cold_open=f"Maya wakes beside the {word} at dawn.",
        beat=f"The {word} hides a letter with Jonah's name.", cliffhanger=f"Who left the {word} cliffnote{number}?",
        product_moment="She steadies herself with a BrewCo cold brew.",
        lines=[Line(speaker="Maya", text=f"Why is the {word} here?"),
               Line(speaker="Jonah", text="Put it back. Now."),
               Line(speaker="Maya", text=f"It has my name on it, and the {word} knows why.")])


@dataclass
class RecordingChannel:
    """ReviewChannel that keeps every call (what Slack would have shown)."""

    said: list[str] = field(default_factory=list)
    campaigns: list[CampaignCard] = field(default_factory=list)
    updates: list[tuple[str, str]] = field(default_factory=list)
    private: list[tuple[str, str]] = field(default_factory=list)
    _n: int = 0

    def _posted(self) -> PostedMessage:
        self._n += 1
        return PostedMessage(channel_id="C_DRAMA", ts=f"1700000000.{self._n:06d}")

    def say(self, thread: ThreadRef, text: str | Notice) -> PostedMessage:
        self.said.append(as_slack(text))
        return self._posted()

    def post_for_review(self, thread: ThreadRef, card: ReviewCard) -> PostedMessage:
        return self._posted()

    def update_card(self, message: PostedMessage, card: ReviewCard) -> None:
        pass

    def update_campaign(self, message: PostedMessage, card: CampaignCard) -> None:
        self.updates.append((message.ts, card.to_text()))

    def update_text(self, message: PostedMessage, text: str | Notice) -> None:
        self.updates.append((message.ts, as_slack(text)))

    def upload(self, thread: ThreadRef, path: Path, title: str, comment: str = "") -> None:
        pass

    def notify_user(self, thread: ThreadRef, user_id: str, text: str | Notice) -> None:
        self.private.append((user_id, as_slack(text)))

    def post_campaign(self, thread: ThreadRef, card: CampaignCard) -> PostedMessage:
        self.campaigns.append(card)
        return self._posted()


@pytest.fixture(scope="session")
def lead_lock(tmp_path_factory: pytest.TempPathFactory) -> LeadLock:
    """Maya, locked to a generated portrait."""
    path = generate_portrait("Maya", 7, tmp_path_factory.mktemp("lead") / "maya.png")
    return LeadLock(persona_id=1, name="Maya", portrait_path=str(path), portrait_hash=image_hash(path), seed=7)


@pytest.fixture
def channel() -> RecordingChannel:
    """A fresh recording channel."""
    return RecordingChannel()


@pytest.fixture(scope="session")
def tiny_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, small (216×384) H.264 + AAC file as long as an episode: teasers are cut from it quickly."""
    import subprocess

    import imageio_ffmpeg

    path = tmp_path_factory.mktemp("video") / "ep.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "color=c=#14121F:s=216x384:r=30:d=20", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
                    "-t", "20", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    str(path)], check=True)
    return path


@pytest.fixture
def season_id(store: Store, tmp_path: Path, lead_lock: LeadLock, tiny_video: Path) -> int:
    """Six episodes with DONE renders; episodes 1–5 approved by the season's approver, 6 still in review."""
    video = tiny_video
    with store.session() as s:
        season = Season(thread_key="T:C_DRAMA:1.0", channel_id="C_DRAMA", thread_ts="1.0", title="Night Shift",
                        brief={"brand": "BrewCo", "product": "BrewCo cold brew"}, lead=lead_lock.model_dump(mode="json"),
                        cadence={"timezone": "America/New_York"})
        season.approvers = [Approver(user_id=APPROVER)]
        s.add(season)
        s.flush()
        s.add(PersonaBriefVersion(season_id=season.id, version=1,
                                  spec=PersonaBrief(banned_words=["cheap"]).model_dump(mode="json")))
        look = Look(season_id=season.id, version=1, spec=LOOK.model_dump(mode="json"), content_hash=look_hash(LOOK))
        s.add(look)
        s.flush()
        for n in range(1, 7):
            ep = Episode(season_id=season.id, number=n, title=script(n).title, status="APPROVED" if n < 6 else "IN_REVIEW")
            s.add(ep)
            s.flush()
            version = ScriptVersion(episode_id=ep.id, version=1, script=script(n).model_dump(mode="json"))
            s.add(version)
            s.flush()
            render = Render(episode_id=ep.id, script_version_id=version.id, look_id=look.id, input_hash=f"{n}" * 8,
                            status="DONE", video_path=str(video), duration_s=12.0, width=1080, height=1920)
            s.add(render)
            s.flush()
            s.add(ReviewMessage(render_id=render.id, channel_id="C_DRAMA", message_ts=f"2.{n}", thread_ts="1.0"))
            if n < 6:
                s.add(Approval(render_id=render.id, user_id=APPROVER, via="reaction"))
        return season.id
