"""Preflight: per-platform limits, quota, disclosures, captions and numbering — pure, from plain facts."""

from __future__ import annotations

from pathlib import Path

from agent.ports import PublishPackage
from tools.preflight import EpisodeFacts, collect_limits, preflight


def season(count: int = 10, duration: float = 60.0, **overrides: object) -> list[EpisodeFacts]:
    episodes = [EpisodeFacts(number=n, title=f"Ep {n}", duration_s=duration, width=1080, height=1920,
                             caption=f"The Cup (Ep {n}) — who took it?", hashtags=["#BeanThere", "#minidrama"])
                for n in range(1, count + 1)]
    for key, value in overrides.items():
        number, field = key.split("_", 1)
        setattr(episodes[int(number.lstrip("e")) - 1], field, value)
    return episodes


def levels(view: object, platform: str, topic: str) -> list[str]:
    [found] = [p for p in view.platforms if p.platform == platform]  # type: ignore[attr-defined]
    return [c.level for c in found.checks if c.topic == topic]


def test_duration_limits_differ_per_platform() -> None:
    view = preflight("Midnight Latte", season(e4_duration_s=120.0), ["tiktok", "youtube", "facebook"])
    assert levels(view, "tiktok", "duration") == ["ok"]
    assert levels(view, "youtube", "duration") == ["ok"]  # Shorts run up to 180 s
    assert levels(view, "facebook", "duration") == ["block"]  # Reels on Pages: 90 s
    assert view.blocked and "Ep 4 runs 120 s; Facebook Reels takes at most 90 s" in view.to_text()


def test_an_accounts_own_limit_overrides_the_rule() -> None:
    view = preflight("S", season(), ["tiktok"], {"tiktok": {"max_duration_s": 50, "posts_per_day": 15}})
    assert levels(view, "tiktok", "duration") == ["block"] * 10


def test_landscape_and_odd_frames() -> None:
    view = preflight("S", season(e2_width=1920, e2_height=1080, e3_width=1080, e3_height=1350),
                     ["youtube", "tiktok"])
    assert levels(view, "youtube", "aspect") == ["block", "warn"]
    assert levels(view, "tiktok", "aspect") == ["warn", "warn"]


def test_quota_left_from_the_client() -> None:
    view = preflight("S", season(), ["youtube", "instagram"], {
        "youtube": {"quota_left": 4, "ai_label_field": "status.containsSyntheticMedia"},
        "instagram": {"problem": "Instagram error 190: session expired"}})
    assert levels(view, "youtube", "quota") == ["warn"]
    assert "only 4 upload(s) left today on YouTube Shorts for 10 episodes" in view.to_text()
    assert levels(view, "instagram", "quota") == ["warn"] and "session expired" in view.to_text()
    assert view.platforms[0].quota_left == 4


def test_ai_disclosure_flags() -> None:
    limits = {"youtube": {"ai_label_field": "status.containsSyntheticMedia"}, "tiktok": {}}
    view = preflight("S", season(), ["youtube", "tiktok", "instagram"], limits)
    assert levels(view, "youtube", "disclosure") == ["ok"]
    assert levels(view, "tiktok", "disclosure") == ["warn"]  # the TikTok publisher doesn't declare is_aigc
    assert "post_info.is_aigc" in view.to_text()
    assert levels(view, "instagram", "disclosure") == ["note"]
    human = [e.model_copy(update={"ai_generated": False}) for e in season()]
    assert levels(preflight("S", human, ["tiktok"]), "tiktok", "disclosure") == ["ok"]


def test_caption_and_hashtag_lengths() -> None:
    view = preflight("S", season(e1_caption="x" * 2300, e2_hashtags=[f"#t{i}" for i in range(35)]),
                     ["instagram", "tiktok"])
    assert levels(view, "instagram", "caption") == ["warn"] and levels(view, "instagram", "hashtags") == ["warn"]
    assert levels(view, "tiktok", "caption") == ["warn"] and levels(view, "tiktok", "hashtags") == []


def test_part_numbering_where_there_is_no_series(tmp_path: Path) -> None:
    from integrations.facebook.captions import reel_caption

    episodes = season(e3_caption="No number here")
    view = preflight("S", episodes, ["youtube", "instagram", "tiktok"])
    assert levels(view, "youtube", "numbering") == ["ok"]  # the season playlist
    assert levels(view, "tiktok", "numbering") == ["warn"] and "Ep 3 don't say which part" in view.to_text()
    [instagram] = [p for p in view.platforms if p.platform == "instagram"]
    # the caption preflight shows is the one the Reels publisher sends
    package = PublishPackage(season_id=1, season_title="S", episode_number=1, episode_title="Ep 1",
                             video_path=tmp_path / "v.mp4", cover_path=None, caption=episodes[0].caption,
                             hashtags=episodes[0].hashtags, unlock="free", destination="instagram",
                             publish_at="2026-12-01T23:00:00+00:00", approvals=[], idempotency_key="k",
                             episode_count=10)
    assert instagram.example_caption.replace("\n\n", " ") == reel_caption(package).replace("\n\n", " ")


def test_limits_are_collected_duck_typed_and_failures_become_findings() -> None:
    class Fine:
        def limits(self) -> dict[str, object]:
            return {"quota_left": 3}

    class Broken:
        def limits(self) -> dict[str, object]:
            raise RuntimeError("no network")

    found = collect_limits({"a": Fine(), "b": Broken(), "c": object()})
    assert found == {"a": {"quota_left": 3}, "b": {"problem": "RuntimeError: no network"}, "c": {}}


def test_a_clean_season_reads_ready() -> None:
    limits = {"youtube": {"quota_left": 90, "ai_label_field": "status.containsSyntheticMedia"}}
    view = preflight("Midnight Latte", season(), ["youtube"], limits)
    assert not view.blocked and "YouTube Shorts — ready · quota left: 90" in view.to_text()


def test_a_stored_season_preflights_with_its_publishers_limits(store: object, tmp_path: Path) -> None:
    from sqlalchemy import select

    from agent.store.models import Render
    from tests.tools.test_publish import make_season
    from tools.preflight_season import season_preflight

    class YouTubeLike:
        def limits(self) -> dict[str, object]:
            return {"quota_left": 1, "ai_label_field": "status.containsSyntheticMedia", "max_duration_s": 180}

    season_id = make_season(store, tmp_path, episodes=2)  # type: ignore[arg-type]
    with store.session() as s:  # type: ignore[attr-defined]
        first, second = s.scalars(select(Render).order_by(Render.id)).all()
        first.duration_s, first.width, first.height = 62.0, 1080, 1920
        second.duration_s, second.width, second.height = 200.0, 1080, 1920
    class TikTokLike:
        def limits(self) -> dict[str, object]:
            return {"posts_per_day": 3, "ai_label_field": "post_info.is_aigc"}

    from datetime import UTC, datetime, timedelta

    from agent.store.models import Publication

    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    with store.session() as s:  # type: ignore[attr-defined]
        for hours, key in ((1, "a"), (30, "b")):  # one post in the last 24 h (by another worker), one older
            s.add(Publication(render_id=first.id, publisher="tiktok", idempotency_key=key, status="PUBLISHED",
                              published_at=now - timedelta(hours=hours)))
    view = season_preflight(store, season_id, {"youtube": YouTubeLike(), "tiktok": TikTokLike()},  # type: ignore[arg-type]
                            ["youtube", "facebook", "tiktok"], now=now)
    assert [p.quota_left for p in view.platforms] == [1, None, 2]
    text = view.to_text()
    assert "Ep 2 runs 200 s; YouTube Shorts takes at most 180 s" in text
    assert "only 1 upload(s) left today on YouTube Shorts for 2 episodes" in text
    assert "Ep 1 caption there: “Part 1/2 · Episode 1 (Ep 1) — Cold open 1" in text  # Facebook's Part N/M
    assert view.blocked
