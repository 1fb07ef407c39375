"""The season funnel: carry-over between episodes, best and worst, and the PNG that shows them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageColor

from tools.funnel import BG, EpisodePoint, SeasonFunnel, build_funnel, render_funnel, simulate_audience


def points(*views: int | None) -> list[EpisodePoint]:
    return [EpisodePoint(number=n, title=f"Ep {n}", views=v) for n, v in enumerate(views, start=1)]


def test_carry_over_best_worst_and_what_reached_the_end() -> None:
    funnel = build_funnel("tiktok", reversed(points(1000, 800, 760, 380, 360)))  # order comes from numbers
    assert [p.number for p in funnel.points] == [1, 2, 3, 4, 5]
    assert [round(p.carried or 0, 2) for p in funnel.points] == [0.8, 0.95, 0.5, 0.95, 0.0]
    assert funnel.points[-1].carried is None  # nothing after the last episode yet
    assert funnel.best == 2 and funnel.worst == 3 and funnel.most_viewed == 1  # ties go to the earlier episode
    assert funnel.points[2].drop_off == 0.5 and funnel.kept_overall == 0.36


def test_unpublished_episodes_break_the_chain_instead_of_inventing_numbers() -> None:
    funnel = build_funnel("youtube", points(500, None, 200))
    assert [p.carried for p in funnel.points] == [None, None, None]
    assert funnel.best is None and funnel.worst is None and funnel.most_viewed == 1


def test_text_names_the_best_and_the_weakest_episode() -> None:
    season = SeasonFunnel(season_title="Midnight Latte",
                          platforms=[build_funnel("tiktok", points(1000, 900, 450)), build_funnel("youtube", [])])
    text = season.to_text()
    assert "TikTok: 2,350 views" in text and "Best cliffhanger: Ep 1 — 90% came back for Ep 2" in text
    assert "Weakest: Ep 2 — 50% didn't watch Ep 3" in text and "YouTube Shorts: no figures yet" in text
    assert "45% of Ep 1's audience reached Ep 3" in text
    assert "No figures yet" in SeasonFunnel(season_title="S").to_text()


def test_png_has_a_panel_per_platform_with_best_and_worst_coloured(tmp_path: Path) -> None:
    season = SeasonFunnel(season_title="Midnight Latte", platforms=[
        build_funnel("tiktok", points(1000, 900, 450, 430)), build_funnel("youtube", points(300, 240, 200, 150))])
    path = render_funnel(season, tmp_path / "funnel.png")
    image = Image.open(path).convert("RGB")
    assert image.size == (1200, 110 + 2 * 430 + 40)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert (0x3F, 0xBF, 0x7F) in colours and (0xE0, 0x56, 0x5B) in colours  # best green, worst red bars
    one = render_funnel(SeasonFunnel(season_title="S", platforms=[season.platforms[0]]), tmp_path / "one.png")
    assert Image.open(one).size[1] < image.size[1]


def test_simulated_week_grows_and_keeps_a_funnel_shape() -> None:
    week = simulate_audience(8)
    assert len(week) == 7 and set(week[0]) == {1} and set(week[-1]) == set(range(1, 8))
    assert all(week[d][1] >= week[d - 1][1] for d in range(1, 7))  # cumulative views only grow
    funnel = build_funnel("tiktok", points(*[week[-1].get(n) for n in range(1, 9)]))
    assert funnel.points[0].views and funnel.points[0].views > funnel.points[6].views  # type: ignore[operator]


def test_an_episode_just_out_is_shown_but_not_judged() -> None:
    season = points(1000, 700, 650, 200)
    season[3].fresh = True  # out since this morning: most of its audience hasn't come yet
    funnel = build_funnel("tiktok", season)
    assert round(funnel.points[2].carried or 0, 2) == 0.31  # shown…
    assert funnel.worst == 1 and funnel.best == 2  # …but Ep 3 isn't called the weakest for it
    text = SeasonFunnel(season_title="S", platforms=[funnel]).to_text()
    assert "Ep 4 only just came out" in text


def test_a_long_season_title_stays_inside_the_chart(tmp_path: Path) -> None:
    funnel = build_funnel("tiktok", [EpisodePoint(number=1, views=900), EpisodePoint(number=2, views=700)])
    png = render_funnel(SeasonFunnel(season_title="[offline draft] Lumen Coffee: After Hours at the Night Desk",
                                     platforms=[funnel]), tmp_path / "f.png")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        edge = {rgb.getpixel((rgb.width - 1 - dx, y)) for dx in range(30) for y in range(25, 75)}
    assert edge == {ImageColor.getrgb(BG)}  # nothing drawn in the last 30 px of the header band
