"""The Facebook Reels publisher: one PublishPackage → one Reel on a Page, exactly once per idempotency key.

`POST /{page-id}/video_reels` upload_phase=start → send the bytes to the returned upload URL → upload_phase=finish
with video_state=PUBLISHED → poll the video's status until it is published (or processing failed). The video id is
saved in the publication ledger row before the upload and the finish is recorded once sent, so a retry resumes
(uploading only the missing bytes) instead of making a second Reel; a repeat after success makes no API call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.ports import PublishPackage, PublishResult
from integrations.facebook.captions import CAPTION_LIMIT, reel_caption
from integrations.facebook.graph import GraphClient, GraphError, insight_values
from integrations.facebook.settings import FacebookSettings
from integrations.tiktok.state import PublishState, Resumable, default_state

REELS_MIN_S, REELS_MAX_S = 3, 90  # Pages Reels through the API: 3–90 s, 9:16
REELS_PER_DAY = 30  # API-published Reels per Page per 24 h
INSIGHT_METRICS = ("blue_reels_play_count", "post_video_likes_by_reaction_type", "post_video_social_actions",
                   "post_video_avg_time_watched")


class FacebookPublisher(Resumable):
    """Publishes episodes as Reels on one Facebook Page (Pages only: Reels cannot go to a profile via the API)."""

    name = "facebook"

    def __init__(self, client: GraphClient, page_id: str, state: PublishState, **polling: Any) -> None:
        """`polling`: poll_interval_s, poll_timeout_s, sleep (see Resumable)."""
        super().__init__(state, **polling)
        self.client, self.page_id = client, page_id

    def limits(self) -> dict[str, Any]:
        """What the scheduler and preflight plan around (no API tells the daily Reels count left)."""
        return {"platform": "facebook", "max_duration_s": REELS_MAX_S, "min_duration_s": REELS_MIN_S,
                "aspect": "9:16", "posts_per_day": REELS_PER_DAY, "series": None, "caption_limit": CAPTION_LIMIT,
                "ai_label_field": None}

    def publish(self, package: PublishPackage) -> PublishResult:
        """Publish once per idempotency key; a repeat returns the first result, a retry resumes the upload."""
        key = package.idempotency_key
        record = self.saved(key)
        if record.get("final"):
            return self._result(record)
        video = Path(package.video_path)
        if not record.get("video_id"):
            started = self.client.call("POST", f"{self.page_id}/video_reels", {"upload_phase": "start"})
            record = {"video_id": str(started["video_id"]), "upload_url": str(started["upload_url"])}
            self.state.put(key, record)
        if not record.get("uploaded"):
            self._upload(key, record, video)
            record["uploaded"] = True
            self.state.put(key, record)
        if not record.get("finished") and not (record.get("finish_sent") and self._finish_arrived(record)):
            record["finish_sent"] = True  # saved first: a crash after the call must not send a second finish
            self.state.put(key, record)
            self.client.call("POST", f"{self.page_id}/video_reels", {
                "upload_phase": "finish", "video_id": record["video_id"], "video_state": "PUBLISHED",
                "description": reel_caption(package)})
        record["finished"] = True
        self.state.put(key, record)
        self._wait_published(key, record)
        record["final"] = True
        self.state.put(key, record)
        return self._result(record)

    def _upload(self, key: str, record: dict[str, Any], video: Path) -> None:
        """Send what Facebook does not have yet (a resumed upload starts at bytes_transferred)."""
        offset = 0
        if record.get("upload_started"):
            phase = (self.client.call("GET", record["video_id"], {"fields": "status"}).get("status") or {})
            uploading = phase.get("uploading_phase") or {}
            if uploading.get("status") == "complete":
                return
            offset = int(uploading.get("bytes_transferred") or 0)
        record["upload_started"] = True
        self.state.put(key, record)
        self.client.upload(record["upload_url"], video, offset=offset)

    def _finish_arrived(self, record: dict[str, Any]) -> bool:
        """After a crash around the finish call: did Facebook get it (processing or publishing has begun)?"""
        status = self.client.call("GET", record["video_id"], {"fields": "status"}).get("status") or {}
        return bool(status.get("processing_phase") or status.get("publishing_phase"))

    def _wait_published(self, key: str, record: dict[str, Any]) -> None:
        """Poll until the Reel is published; a processing error is reported and the video forgotten."""
        waited = 0.0
        for waited in self.waits():
            status = self.client.call("GET", record["video_id"], {"fields": "status"}).get("status") or {}
            publishing = status.get("publishing_phase") or {}
            if status.get("video_status") == "ready" or publishing.get("status") == "complete":
                return
            if status.get("video_status") == "error" or (status.get("processing_phase") or {}).get(
                    "status") == "error":
                errors = (status.get("processing_phase") or {}).get("errors") or [{}]
                why = errors[0].get("message") or "processing failed"
                self.state.put(key, {"failed": why, "failed_video_id": record["video_id"]})
                raise GraphError("processing_failed", f"Facebook could not process the Reel: {why}",
                                 platform="Facebook", retryable=False)
        raise GraphError("still_processing", f"Reel {record['video_id']} not published after {waited:.0f} s;"
                         " the next attempt checks again", platform="Facebook", retryable=True)

    def _result(self, record: dict[str, Any]) -> PublishResult:
        return PublishResult(external_id=record["video_id"],
                             location=f"https://www.facebook.com/reel/{record['video_id']}")

    def post_metrics(self, external_ids: list[str]) -> dict[str, dict[str, float]]:
        """Plays and average watch time (seconds) per Reel from video_insights."""
        found: dict[str, dict[str, float]] = {}
        for video_id in external_ids:
            raw = insight_values(self.client.call("GET", f"{video_id}/video_insights",
                                                  {"metric": ",".join(INSIGHT_METRICS)}))
            figures = {"views": raw.get("blue_reels_play_count", 0.0)}
            if "post_video_avg_time_watched" in raw:
                figures["avg_watch_s"] = raw["post_video_avg_time_watched"] / 1000.0
            found[video_id] = figures
        return found


def from_settings(*, publish_state: PublishState | None = None, cliffhanger_home: Path | str | None = None,
                  **values: Any) -> FacebookPublisher:
    """Plug-in factory (entry point `facebook`): needs FACEBOOK_PAGE_TOKEN and FACEBOOK_PAGE_ID."""
    cfg = FacebookSettings.from_values(values)
    token = cfg.page_token.get_secret_value() if cfg.page_token else ""
    if not token or not cfg.page_id:
        raise ValueError("the facebook publisher needs FACEBOOK_PAGE_TOKEN (a Page access token with "
                         "pages_manage_posts) and FACEBOOK_PAGE_ID")
    if publish_state is None:
        publish_state = default_state(cfg.state_dir, cliffhanger_home, "facebook")
    client = GraphClient(token, base_url=cfg.api_base_url, version=cfg.api_version, platform="Facebook")
    return FacebookPublisher(client, cfg.page_id, publish_state)
