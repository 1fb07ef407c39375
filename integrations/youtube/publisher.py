"""The YouTube Shorts publisher: one PublishPackage → one Short in the season's playlist, exactly once per key.

Progress lives in the publication ledger row (`external_state`, through tools/publish_ledger.PublicationState, so any
worker can resume): the resumable session URI is saved before the first byte goes up, the video id as soon as
YouTube returns it, the playlist item once added. A retry after a crash resumes the upload instead of starting a
second video, and a repeat after success makes no API call. A video YouTube fails or rejects in processing is
reported (not retried forever); the next attempt uploads afresh.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from agent.ports import PublishPackage, PublishResult
from integrations.tiktok.state import JsonFileState, PublishState
from integrations.youtube.client import QuotaBook, YouTubeClient, YouTubeError
from integrations.youtube.settings import YouTubeSettings

TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 5000  # bytes
SHORTS_MAX_S = 180  # Shorts may run up to three minutes (vertical or square)
DONE_STATES = frozenset({"processed"})
FAILED_STATES = frozenset({"failed", "rejected", "deleted"})


def _clean(text: str) -> str:
    """YouTube refuses '<' and '>' in titles and descriptions."""
    return re.sub(r"[<>]", "", text).strip()


class YouTubePublisher:
    """Uploads episodes as Shorts; one playlist per season keeps them in order (YouTube's nearest thing to a series).

    Unaudited API projects may only upload private videos, so private is the default until `audited`.
    """

    name = "youtube"

    def __init__(self, client: YouTubeClient, state: PublishState, *, audited: bool = False,
                 privacy_status: str = "public", made_for_kids: bool = False, category_id: str = "24",
                 poll_interval_s: float = 5.0, poll_timeout_s: float = 300.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if privacy_status not in ("public", "unlisted", "private"):
            raise ValueError("privacy_status is public, unlisted or private")
        self.client, self.state, self.audited = client, state, audited
        self.privacy_status, self.made_for_kids, self.category_id = privacy_status, made_for_kids, category_id
        self.poll_interval_s, self.poll_timeout_s, self.sleep = poll_interval_s, poll_timeout_s, sleep
        self._playlists: dict[int, str] = {}

    @property
    def privacy(self) -> str:
        """What videos are uploaded as: private until the project is audited."""
        return self.privacy_status if self.audited else "private"

    def limits(self) -> dict[str, Any]:
        """What the scheduler and preflight plan around (duck-typed: tools/ never imports this module)."""
        left = self.client.quota.left()
        return {"platform": "youtube", "private_only": not self.audited, "max_duration_s": SHORTS_MAX_S,
                "aspect": "9:16", "posts_per_day": self.client.quota.insert_limit, "series": "playlist",
                "quota_left": left["uploads_left"], "units_left": left["units_left"],
                "ai_label_field": "status.containsSyntheticMedia", "caption_limit": DESCRIPTION_LIMIT,
                "title_limit": TITLE_LIMIT}

    def video_body(self, package: PublishPackage) -> dict[str, Any]:
        """snippet + status for videos.insert: title within 100 characters, #Shorts, the disclosures declared."""
        suffix = " #Shorts"
        title = _clean(f"{package.season_title} Ep {package.episode_number}: {package.episode_title}")
        title = title[:TITLE_LIMIT - len(suffix)].rstrip() + suffix
        description = _clean("\n\n".join(filter(None, [package.caption, " ".join(package.hashtags), "#Shorts"])))
        description = description.encode()[:DESCRIPTION_LIMIT].decode(errors="ignore")
        tags = [t.lstrip("#") for t in package.hashtags][:15]
        kids = getattr(package, "made_for_kids", None)
        return {"snippet": {"title": title, "description": description, "tags": tags,
                            "categoryId": self.category_id},
                "status": {"privacyStatus": self.privacy, "embeddable": True,
                           "selfDeclaredMadeForKids": self.made_for_kids if kids is None else bool(kids),
                           "containsSyntheticMedia": bool(getattr(package, "ai_generated", True))}}

    def publish(self, package: PublishPackage) -> PublishResult:
        """Upload once per idempotency key; a repeat returns the first result, a retry resumes where it stopped."""
        key = package.idempotency_key
        record: dict[str, Any] = dict(self.state.get(key) or {})
        if record.get("final"):
            return self._result(record)
        if not record.get("video_id"):
            def saved(uri: str) -> None:
                record.update(upload_uri=uri)
                self.state.put(key, record)

            video = self.client.upload(Path(package.video_path), self.video_body(package),
                                       resume_uri=record.get("upload_uri"), on_session=saved)
            record.update(video_id=str(video["id"]), upload_uri=None, failed=None)
            self.state.put(key, record)
        self._wait_processed(key, record)
        if not record.get("playlist_item_id"):
            playlist_id = self._season_playlist(package)
            record.update(playlist_id=playlist_id,
                          playlist_item_id=self.client.add_to_playlist(playlist_id, record["video_id"]))
            self.state.put(key, record)
        record["final"] = True
        self.state.put(key, record)
        return self._result(record)

    def _wait_processed(self, key: str, record: dict[str, Any]) -> None:
        """Poll until YouTube has processed the video; a failed or rejected one is reported and forgotten."""
        waited = 0.0
        while True:
            found = self.client.video_status(record["video_id"]).get("status") or {}
            upload_status = found.get("uploadStatus", "")
            if upload_status in DONE_STATES:
                return
            if upload_status in FAILED_STATES or not found:
                why = found.get("failureReason") or found.get("rejectionReason") or "the video is gone"
                self.state.put(key, {**record, "video_id": None, "failed": why, "failed_video_id": record["video_id"]})
                raise YouTubeError("processing_failed", f"YouTube could not process video {record['video_id']}: "
                                   f"{why}", retryable=False)
            if waited >= self.poll_timeout_s:
                raise YouTubeError("still_processing", f"video {record['video_id']} is still processing after "
                                   f"{waited:.0f} s; the next attempt checks again", retryable=True)
            self.sleep(self.poll_interval_s)
            waited += self.poll_interval_s

    def _season_playlist(self, package: PublishPackage) -> str:
        """The season's playlist: found by the marker in its description, created once when missing."""
        cached = self._playlists.get(package.season_id)
        if cached:
            return cached
        marker = f"[cliffhanger season {package.season_id}]"
        playlist_id = self.client.find_playlist(marker) or self.client.create_playlist(
            _clean(package.season_title) or f"Season {package.season_id}",
            f"{_clean(package.season_title)} — every episode in order. {marker}", self.privacy)
        self._playlists[package.season_id] = playlist_id
        return playlist_id

    def _result(self, record: dict[str, Any]) -> PublishResult:
        return PublishResult(external_id=record["video_id"],
                             location=f"https://www.youtube.com/shorts/{record['video_id']}")

    def post_metrics(self, external_ids: list[str]) -> dict[str, dict[str, float]]:
        """Views, likes and comments per video id (videos.list statistics; 1 unit per 50 videos)."""
        return {vid: {k: float(v) for k, v in stats.items()}
                for vid, stats in self.client.statistics(list(external_ids)).items()}


def _plain(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def from_settings(*, publish_state: PublishState | None = None, cliffhanger_home: Path | str | None = None,
                  **values: Any) -> YouTubePublisher:
    """Plug-in factory (entry point `youtube`): needs YOUTUBE_ACCESS_TOKEN (see YouTubeSettings).

    Progress is kept in `publish_state` — the composition root passes the ledger's — or, standalone, in JSON files
    under <home>/youtube-state.
    """
    cfg = YouTubeSettings.from_values(values)
    token = _plain(cfg.access_token)
    if not token:
        raise ValueError("the youtube publisher needs YOUTUBE_ACCESS_TOKEN (a channel token with youtube.upload)")
    client = YouTubeClient(token, refresh_token=_plain(cfg.refresh_token), client_id=cfg.client_id,
                           client_secret=_plain(cfg.client_secret), token_uri=cfg.token_uri,
                           base_url=cfg.api_base_url, quota=QuotaBook(cfg.daily_uploads, cfg.daily_units))
    if publish_state is None:
        publish_state = JsonFileState(cfg.state_dir or Path(cliffhanger_home or ".cliffhanger") / "youtube-state")
    return YouTubePublisher(client, publish_state, audited=cfg.audited, privacy_status=cfg.privacy_status,
                            made_for_kids=cfg.made_for_kids, category_id=cfg.category_id)
