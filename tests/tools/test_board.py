"""The season board PNG: one tile per episode with its cover and a state badge, and the release calendar."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tools.board import (
    BADGES,
    COLUMNS,
    GAP,
    HEADER_H,
    MARGIN,
    THUMB_H,
    THUMB_W,
    WIDTH,
    board_size,
    render_board,
)
from tools.status import EpisodeView, SeasonView

COVER_RGB = (10, 200, 30)


def view(tmp_path: Path, count: int, scheduled: bool) -> SeasonView:
    cover = tmp_path / "cover.png"
    Image.new("RGB", (540, 960), COVER_RGB).save(cover)
    states = ["APPROVED", "IN_REVIEW", "CHANGES_REQUESTED", "RENDERING", "PUBLISHED"]
    episodes = [EpisodeView(number=n, title=f"Night {n}", status=states[(n - 1) % len(states)],
                            cover_path=str(cover) if n != 4 else None,
                            publish_at=f"2026-07-{n:02d}T22:00:00+00:00" if scheduled else None)
                for n in range(1, count + 1)]
    return SeasonView(id=1, title="Night Shift", status="REVIEW", thread="t", approvers=["U1"], quorum=1,
                      episodes=episodes)


def tile_origin(index: int) -> tuple[int, int]:
    col, row = index % COLUMNS, index // COLUMNS
    return MARGIN + col * (THUMB_W + GAP), HEADER_H + row * (THUMB_H + 56 + GAP)


def test_board_has_a_tile_per_episode_with_cover_and_badge(tmp_path: Path) -> None:
    season = view(tmp_path, 8, scheduled=True)
    path = render_board(season, tmp_path / "board.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == board_size(season)
        assert image.width == WIDTH and image.height > HEADER_H + 2 * THUMB_H
        pixels = image.convert("RGB")
        for index, ep in enumerate(season.episodes):
            x, y = tile_origin(index)
            centre = pixels.getpixel((x + THUMB_W // 2, y + THUMB_H // 2))
            if ep.cover_path:
                assert centre == COVER_RGB, f"Ep {ep.number} shows its cover"
            else:
                assert centre != COVER_RGB
            badge = pixels.getpixel((x + 14, y + 14))  # inside the rounded badge, left of its text
            assert badge == BADGES[ep.status][1], f"Ep {ep.number} badge is {ep.status}"


def test_calendar_grows_with_the_schedule_and_marks_release_days(tmp_path: Path) -> None:
    unscheduled = view(tmp_path, 8, scheduled=False)
    scheduled = view(tmp_path, 8, scheduled=True)
    assert board_size(scheduled)[1] > board_size(unscheduled)[1]  # two weeks of calendar rows
    path = render_board(scheduled, tmp_path / "board.png")
    with Image.open(path) as image:
        pixels = image.convert("RGB")
        bottom = pixels.crop((0, image.height - 220, image.width, image.height))
        colours = {colour for _count, colour in bottom.getcolors(maxcolors=1 << 20)}
    assert BADGES["APPROVED"][1] in colours and BADGES["PUBLISHED"][1] in colours


def test_twelve_episodes_make_three_rows(tmp_path: Path) -> None:
    eight, twelve = view(tmp_path, 8, False), view(tmp_path, 12, False)
    assert board_size(twelve)[1] - board_size(eight)[1] == THUMB_H + 56 + GAP
