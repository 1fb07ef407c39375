"""See the thread without Slack: the emulator's thread page, opened in headless Chromium.

The thread is seeded through the real poster (`SlackReviewChannel.post_for_review`: MP4 upload + approval card)
with tiny 1 s MP4s, so the page shows real episode cards without a render. Chromium's `--dump-dom` must show every
episode's video, card and approval state; its `--screenshot` must be a painted page.
"""

from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from agent.ports import ReviewCard, ThreadRef
from integrations.slack.app import make_client
from integrations.slack.emulator import (
    APPROVER_ID,
    DRAMA_CHANNEL_ID,
    MARKETER_ID,
    SlackEmulator,
    render_thread_html,
)
from integrations.slack.poster import SlackReviewChannel

pytestmark = pytest.mark.xdist_group("e2e")

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (900, 2400)
EPISODES = [  # number, title, state, approved_by, changes_by
    (1, "The Night Shift", "APPROVED", [APPROVER_ID], []),
    (2, "Cold Brew, Colder Truth", "IN_REVIEW", [], []),
    (3, "Code Blue", "CHANGES_REQUESTED", [], [APPROVER_ID]),
]
COLOURS = {"purple": (128, 0, 128), "teal": (0, 128, 128), "orange": (255, 165, 0)}  # ffmpeg's named colours
STATE_TEXT = {"APPROVED": "Approved", "IN_REVIEW": "Waiting for approval", "CHANGES_REQUESTED": "Changes requested"}


def chromium() -> Path:
    """The browser, or a skip with the reason (on CI a missing browser is a failure: make test installs it)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail("chromium missing on CI: scripts/ensure-chromium (make test) should have installed it")
    pytest.skip("chromium is not installed (scripts/ensure-chromium installs it with apt-get as root)")


def tiny_mp4(path: Path, colour: str) -> Path:
    """A 1 s H.264 clip from ffmpeg's lavfi colour source (the bundled imageio-ffmpeg binary)."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=180x320:d=1:r=10", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", str(path)], check=True, timeout=60)
    return path


def run_chromium(browser: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with a throwaway profile and nothing phoning home."""
    return subprocess.run(
        [str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp / 'profile'}", "--hide-scrollbars", *args],
        capture_output=True, text=True, timeout=120, check=True)


class Messages(HTMLParser):
    """Each `.message` element's text, video sources and reaction names, from the dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "div" and "message" in classes:
            self.messages.append({"text": [], "videos": [], "reactions": []})
            self._depth = 1
            return
        if not self.messages or self._depth == 0:
            return
        if tag == "div":
            self._depth += 1
        if tag == "video":
            self.messages[-1]["videos"].append(attributes.get("src") or "")
        if "reaction" in classes:
            self.messages[-1]["reactions"].append(attributes.get("data-name") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self.messages and self._depth:
            self.messages[-1]["text"].append(data)


def seed_thread(emulator: SlackEmulator, tmp: Path) -> tuple[str, dict[int, str]]:
    """A season thread with three episode uploads + cards in three states; returns thread ts, card ts by ep."""
    root = emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, "<@UBOT> new season for Lumen Night Brew")
    thread = ThreadRef(channel_id=DRAMA_CHANNEL_ID, thread_ts=root["ts"])
    poster = SlackReviewChannel(make_client("xoxb-thread-page", emulator.base_url))
    cards: dict[int, str] = {}
    for (number, title, state, approved, changes), colour in zip(EPISODES, COLOURS, strict=True):
        card = ReviewCard(render_id=number, episode_number=number, title=title, duration_s=1.0,
                          video_path=tiny_mp4(tmp / f"ep{number}.mp4", colour), continuity_summary="lead matches",
                          state=state, approved_by=approved, changes_by=changes)
        cards[number] = poster.post_for_review(thread, card).ts
    emulator.react(APPROVER_ID, DRAMA_CHANNEL_ID, cards[1], "+1::skin-tone-3")
    return root["ts"], cards


def test_thread_page_shows_every_episode_video_and_approval_state(tmp_path: Path) -> None:
    browser = chromium()
    with SlackEmulator(files_dir=tmp_path / "files") as emulator:
        thread_ts, cards = seed_thread(emulator, tmp_path)
        approver = emulator.workspace.users[APPROVER_ID].real_name
        page = tmp_path / "out" / "thread.html"
        render_thread_html(emulator, DRAMA_CHANNEL_ID, thread_ts, page)

    dom = run_chromium(browser, tmp_path, "--dump-dom", page.as_uri()).stdout
    parser = Messages()
    parser.feed(dom)
    texts = [" ".join(" ".join(m["text"]).split()) for m in parser.messages]
    videos = [src for m in parser.messages for src in m["videos"]]
    assert len(videos) == len(EPISODES)
    for src in videos:  # each player points at a copied MP4 next to the page
        assert (page.parent / src).is_file() and (page.parent / src).read_bytes()[4:8] == b"ftyp"
    for number, title, state, approved, changes in EPISODES:
        card_text = next(t for t in texts if f"Ep {number} · {title}" in t and "Version" in t)
        assert STATE_TEXT[state] in card_text
        assert "Request changes" in card_text  # every card here is still open: the buttons are drawn
        assert (approver in card_text) == bool(approved or changes)  # who decided is on the card
        upload = next(m for m in parser.messages if any(f"ep{number:02d}" in src for src in m["videos"]))
        assert f"Ep {number}" in " ".join(upload["text"])
    approved_card = next(m for m in parser.messages if "The Night Shift" in " ".join(m["text"]) and m["reactions"])
    assert approved_card["reactions"] == ["+1::skin-tone-3"]
    assert len(cards) == len(EPISODES)

    shot = tmp_path / "thread.png"  # kept in the test dir for a look when it fails
    missing: list[str] = []
    for budget in (3000, 8000, 15000):  # video decoding runs in real time: a loaded machine needs longer
        run_chromium(browser, tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                     f"--virtual-time-budget={budget}", page.as_uri())
        with Image.open(shot) as image:
            assert image.size == WINDOW
            rgb = image.convert("RGB")
            colours = rgb.getcolors(maxcolors=1 << 20) or []
            assert len(colours) > 50  # text, avatars, buttons and players painted — not a blank page
            top, bottom = rgb.crop((0, 0, WINDOW[0], 400)), rgb.crop((0, WINDOW[1] - 400, WINDOW[0], WINDOW[1]))
            assert top.getcolors(maxcolors=1 << 20) != bottom.getcolors(maxcolors=1 << 20)
            missing = [name for name, rgb_value in COLOURS.items()  # every episode's player shows its first frame
                       if sum(n for n, c in colours
                              if sum(abs(a - b) for a, b in zip(c, rgb_value, strict=True)) < 60) <= 5000]
        if not missing:
            break
    assert not missing, f"no video frame painted for {missing}"
    assert re.search(r"<video[^>]+controls", dom)
