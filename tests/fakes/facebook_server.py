"""The Graph API (Instagram + Facebook Reels) stand-in lives in integrations/facebook/emulator.py (the demo runs it
too); here, what the Facebook and Instagram adapter tests both need to drive it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.ports import PublishPackage
from integrations.facebook.emulator import IG_USER, PAGE, FakeGraphState, fake_graph
from integrations.facebook.graph import GraphClient

__all__ = ["IG_USER", "NO_WAIT", "PAGE", "FakeGraphState", "SimulatedCrash", "fake_graph", "graph_client",
           "reel_package"]

NO_WAIT: dict[str, Any] = {"poll_interval_s": 0.0, "sleep": lambda _seconds: None}  # status polls back to back


class SimulatedCrash(BaseException):
    """The process dying (not an Exception: nothing should catch it)."""


def graph_client(api: FakeGraphState, platform: str, sleeps: list[float] | None = None,
                 client_cls: type[GraphClient] = GraphClient) -> GraphClient:
    """A real Graph client on the stand-in; its backoff waits are recorded in `sleeps` instead of slept."""
    return client_cls(api.token, base_url=api.base_url, platform=platform,
                      sleep=(sleeps if sleeps is not None else []).append, backoff_s=1.0)


def reel_package(tmp_path: Path, destination: str, number: int, *, size: int, step: int, caption: str,
                 hashtags: list[str], **extra: Any) -> PublishPackage:
    """Episode `number` of "Midnight Latte" for `destination`, with a video of `size` patterned bytes."""
    video = tmp_path / f"ep{number}.mp4"
    video.write_bytes(bytes((i * step + number) % 251 for i in range(size)))
    return PublishPackage(
        season_id=1, season_title="Midnight Latte", episode_number=number, episode_title="The Cup",
        video_path=video, cover_path=None, caption=caption, hashtags=hashtags, unlock="free",
        destination=destination, publish_at="2026-12-01T23:00:00+00:00", approvals=[],
        idempotency_key=f"slot{number}:{destination}", **extra)
