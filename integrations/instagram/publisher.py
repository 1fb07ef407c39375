"""The Instagram Reels publisher: one PublishPackage → one Reel, exactly once per idempotency key.

Graph API content publishing: read `content_publishing_limit` before booking a post, create a REELS container with
`upload_type=resumable`, send the bytes to its `uri`, poll `status_code` until FINISHED (or ERROR / EXPIRED), then
`media_publish`. Progress lives in the publication ledger row (`external_state`): the container id is saved before
the upload, the media id the moment Instagram returns it. A retry resumes the same container; a repeat after success
makes no API call; a container Instagram could not process is reported and the next attempt starts afresh.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.ports import PublishPackage, PublishResult
from integrations.facebook.captions import CAPTION_LIMIT, reel_caption
from integrations.facebook.graph import GraphClient, GraphError, insight_values
from integrations.instagram.settings import InstagramSettings
from integrations.tiktok.state import PublishState, Resumable, default_state

REELS_MAX_S = 15 * 60  # API-published Reels: 3 s to 15 min, 9:16 recommended
INSIGHT_METRICS = ("views", "likes", "comments", "shares", "saved", "reach", "ig_reels_avg_watch_time")


class InstagramPublisher(Resumable):
    """Publishes episodes as Reels on one Instagram professional account."""

    name = "instagram"

    def __init__(self, client: GraphClient, user_id: str, state: PublishState, *, share_to_feed: bool = True,
                 **polling: Any) -> None:
        """`polling`: poll_interval_s, poll_timeout_s, sleep (see Resumable)."""
        super().__init__(state, **polling)
        self.client, self.user_id, self.share_to_feed = client, user_id, share_to_feed

    def publishing_limit(self) -> tuple[int, int]:
        """(posts used, posts allowed) in Instagram's rolling 24 h window for this account."""
        found = self.client.call("GET", f"{self.user_id}/content_publishing_limit",
                                 {"fields": "config,quota_usage"})
        [row] = found.get("data") or [{}]
        return int(row.get("quota_usage", 0)), int((row.get("config") or {}).get("quota_total", 100))

    def limits(self) -> dict[str, Any]:
        """What the scheduler and preflight plan around; the quota comes from Instagram itself."""
        found: dict[str, Any] = {"platform": "instagram", "max_duration_s": REELS_MAX_S, "min_duration_s": 3,
                                 "aspect": "9:16", "series": None, "caption_limit": CAPTION_LIMIT,
                                 "hashtag_limit": 30, "ai_label_field": None}
        try:
            used, total = self.publishing_limit()
        except GraphError as exc:
            found["problem"] = str(exc)
        else:
            found.update(posts_per_day=total, quota_left=max(0, total - used))
        return found

    def publish(self, package: PublishPackage) -> PublishResult:
        """Publish once per idempotency key; a repeat returns the first result, a retry resumes the container."""
        key = package.idempotency_key
        record = self.saved(key)
        if record.get("final"):
            return self._result(record)
        if not record.get("media_id"):
            if not record.get("container_id"):
                record = self._create(key, package)
            if not record.get("uploaded"):
                self.client.upload(record["upload_uri"], Path(package.video_path))
                record["uploaded"] = True
                self.state.put(key, record)
            status = self._wait_finished(key, record)
            if status != "PUBLISHED":  # PUBLISHED: a crash after media_publish; never publish twice
                record["media_id"] = str(self.client.call("POST", f"{self.user_id}/media_publish",
                                                          {"creation_id": record["container_id"]})["id"])
                self.state.put(key, record)
        if record.get("media_id") and not record.get("permalink"):
            link = self.client.call("GET", record["media_id"], {"fields": "permalink"}).get("permalink")
            record["permalink"] = link
        record["final"] = True
        self.state.put(key, record)
        return self._result(record)

    def _create(self, key: str, package: PublishPackage) -> dict[str, Any]:
        """Check the 24 h publishing limit, then create the REELS container and save it before any byte goes up."""
        used, total = self.publishing_limit()
        if used >= total:
            error = GraphError(9, f"the account already published {used} of its {total} posts in the last 24 h",
                               subcode=2207042, platform="Instagram", retryable=True)
            raise error
        created = self.client.call("POST", f"{self.user_id}/media", {
            "media_type": "REELS", "upload_type": "resumable", "caption": reel_caption(package),
            "share_to_feed": "true" if self.share_to_feed else "false"})
        record = {"container_id": str(created["id"]), "upload_uri": str(created["uri"]), "uploaded": False}
        self.state.put(key, record)
        return record

    def _wait_finished(self, key: str, record: dict[str, Any]) -> str:
        """Poll the container until FINISHED (or PUBLISHED); ERROR/EXPIRED is reported and the container forgotten."""
        waited, code = 0.0, ""
        for waited in self.waits():
            found = self.client.call("GET", record["container_id"], {"fields": "status_code,status"})
            code = str(found.get("status_code", ""))
            if code in ("FINISHED", "PUBLISHED"):
                return code
            if code in ("ERROR", "EXPIRED"):
                self.state.put(key, {"failed": found.get("status") or code,
                                     "failed_container_id": record["container_id"]})
                raise GraphError("processing_failed", f"Instagram could not process the Reel: "
                                 f"{found.get('status') or code}", platform="Instagram",
                                 retryable=code == "EXPIRED")
        raise GraphError("still_processing", f"container {record['container_id']} still {code} after "
                         f"{waited:.0f} s; the next attempt checks again", platform="Instagram", retryable=True)

    def _result(self, record: dict[str, Any]) -> PublishResult:
        media_id = record.get("media_id") or record["container_id"]
        return PublishResult(external_id=str(media_id),
                             location=str(record.get("permalink") or f"instagram:media/{media_id}"))

    def post_metrics(self, external_ids: list[str]) -> dict[str, dict[str, float]]:
        """Lifetime insights per Reel: views, likes, comments, shares, saves, reach, average watch time (ms)."""
        found: dict[str, dict[str, float]] = {}
        for media_id in external_ids:
            values = insight_values(self.client.call("GET", f"{media_id}/insights",
                                                     {"metric": ",".join(INSIGHT_METRICS)}))
            if "ig_reels_avg_watch_time" in values:
                values["avg_watch_s"] = values.pop("ig_reels_avg_watch_time") / 1000.0
            found[media_id] = values
        return found


def from_settings(*, publish_state: PublishState | None = None, cliffhanger_home: Path | str | None = None,
                  **values: Any) -> InstagramPublisher:
    """Plug-in factory (entry point `instagram`): needs INSTAGRAM_ACCESS_TOKEN and INSTAGRAM_USER_ID."""
    cfg = InstagramSettings.from_values(values)
    token = cfg.access_token.get_secret_value() if cfg.access_token else ""
    if not token or not cfg.user_id:
        raise ValueError("the instagram publisher needs INSTAGRAM_ACCESS_TOKEN (instagram_content_publish) and "
                         "INSTAGRAM_USER_ID (the professional account's IG user id)")
    if publish_state is None:
        publish_state = default_state(cfg.state_dir, cliffhanger_home, "instagram")
    client = GraphClient(token, base_url=cfg.api_base_url, version=cfg.api_version, platform="Instagram")
    return InstagramPublisher(client, cfg.user_id, publish_state, share_to_feed=cfg.share_to_feed)
