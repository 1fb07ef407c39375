"""Local stand-ins of the publishing platforms for the demo: start them, point the publishers at them, play a week.

Nothing here reaches a real platform: TikTok, YouTube and Meta's Graph API are the local stand-ins
(integrations/{tiktok,youtube,facebook}/emulator.py) speaking the real wire protocols on 127.0.0.1, and every label
says "local stand-in". `simulate_week` plays a deterministic week of views (tools.funnel.simulate_audience) into the
stand-ins day by day and pulls the figures into the database after each day, exactly as the periodic job would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agent.services.metrics import MetricsSource, PullReport, publication_figures, pull_metrics
from agent.store.db import Store
from integrations.facebook.emulator import IG_USER, PAGE, FakeGraphState, fake_graph
from integrations.tiktok.emulator import FakeTikTokState, fake_tiktok
from integrations.youtube.emulator import FakeYouTubeState, fake_youtube
from tools.funnel import DEFAULT_CARRY, PLATFORM_LABELS, simulate_audience

SUPPORTED = ("tiktok", "youtube", "instagram", "facebook")
# a platform's audience relative to TikTok's in the simulated week (a mini-drama's home is TikTok)
AUDIENCE_SHARE = {"tiktok": 1.0, "youtube": 0.22, "instagram": 0.35, "facebook": 0.15}
# how loyal each platform's viewers are to a series, against TikTok's (Shorts and Facebook feeds drift more)
CARRY_FACTOR = {"tiktok": 1.0, "youtube": 0.92, "instagram": 0.97, "facebook": 0.88}


@dataclass
class LocalDestinations:
    """The running stand-ins, and what the publishers need to reach them."""

    platforms: tuple[str, ...]
    tiktok: FakeTikTokState | None = None
    youtube: FakeYouTubeState | None = None
    graph: FakeGraphState | None = None
    urls: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """Plug-in settings values (as `make_publishers(names, **values)` and the composition root take them)."""
        found: dict[str, Any] = {}
        if self.tiktok is not None:
            found.update(tiktok_access_token=self.tiktok.token, tiktok_api_base_url=self.tiktok.base_url)
        if self.youtube is not None:
            found.update(youtube_access_token=self.youtube.token, youtube_api_base_url=self.youtube.base_url,
                         youtube_token_uri=f"{self.youtube.base_url}/token")
        if self.graph is not None:
            found.update(instagram_access_token=self.graph.token, instagram_user_id=IG_USER,
                         instagram_api_base_url=self.graph.base_url, facebook_page_token=self.graph.token,
                         facebook_page_id=PAGE, facebook_api_base_url=self.graph.base_url)
        return found

    def label(self, platform: str) -> str:
        """'YouTube Shorts (local stand-in at http://127.0.0.1:…)' — the demo never passes these off as real."""
        return f"{PLATFORM_LABELS.get(platform, platform)} (local stand-in at {self.urls.get(platform, '?')})"

    def set_views(self, platform: str, external_id: str, views: int) -> None:
        """What the platform's figures endpoint answers for one post from now on."""
        likes, comments = views // 12, views // 150
        if platform == "tiktok" and self.tiktok is not None:
            self.tiktok.set_stats(external_id, views, likes=likes, comments=comments, shares=views // 90)
        elif platform == "youtube" and self.youtube is not None:
            self.youtube.set_statistics(external_id, views, likes=likes, comments=comments)
        elif platform == "instagram" and self.graph is not None:
            self.graph.insights[external_id] = {"views": views, "likes": likes, "comments": comments,
                                                "shares": views // 80, "ig_reels_avg_watch_time": 14_000}
        elif platform == "facebook" and self.graph is not None:
            self.graph.insights[external_id] = {"blue_reels_play_count": views, "post_video_avg_time_watched": 9_000}


@contextmanager
def local_destinations(platforms: Sequence[str] = ("tiktok", "youtube")) -> Iterator[LocalDestinations]:
    """Start the stand-ins the platforms need (processing answers at once, so the demo doesn't wait)."""
    unknown = sorted(set(platforms) - set(SUPPORTED))
    if unknown:
        raise ValueError(f"no local stand-in for {', '.join(unknown)}; available: {', '.join(SUPPORTED)}")
    with ExitStack() as stack:
        found = LocalDestinations(platforms=tuple(platforms))
        if "tiktok" in platforms:
            found.tiktok = stack.enter_context(fake_tiktok())
            found.tiktok.processing_polls = 0
            found.urls["tiktok"] = found.tiktok.base_url
        if "youtube" in platforms:
            found.youtube = stack.enter_context(fake_youtube())
            found.youtube.processing_polls = 0
            found.urls["youtube"] = found.youtube.base_url
        if {"instagram", "facebook"} & set(platforms):
            found.graph = stack.enter_context(fake_graph())
            found.graph.processing_polls = 0
            found.urls.update({p: found.graph.base_url for p in ("instagram", "facebook") if p in platforms})
        yield found


def simulate_week(destinations: LocalDestinations, store: Store, season_id: int,
                  sources: Mapping[str, MetricsSource], *, start: datetime, days: int = 7,
                  first_day_views: int = 4000) -> list[PullReport]:
    """Play `days` days of views into the stand-ins (episode n from day n on) and pull the figures after each day.

    The pull for day d is stamped `start + d days`, so the funnel read "as of" the end of the week sees the
    episodes released last as fresh. Returns one PullReport per day.
    """
    published = publication_figures(store, season_id)
    count = max(published, default=0)
    timelines = {platform: simulate_audience(
        count, first_day_views=int(first_day_views * AUDIENCE_SHARE.get(platform, 0.2)), days=days,
        carry=[min(0.97, c * CARRY_FACTOR.get(platform, 0.95)) for c in DEFAULT_CARRY]) if count else []
        for platform in destinations.platforms}
    reports = []
    for day in range(1, days + 1 if count else 1):
        for number, pubs in published.items():
            for publication in pubs:
                platform, external_id = publication["destination"], publication["external_id"]
                views = timelines.get(platform, [{}] * days)[day - 1].get(number)
                if external_id and views is not None:
                    destinations.set_views(platform, str(external_id), views)
        reports.append(pull_metrics(store, sources, now=start + timedelta(days=day), season_id=season_id))
    return reports
