"""TikTok's Display API video query: a published post's figures (views, likes, comments, shares).

`POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count` with
`{"filters": {"video_ids": [...]}}` (at most 20 ids a call; scope video.list). Only public post ids have figures:
a `publish_id` (an inbox draft, or a post TikTok has not made public) is skipped, not guessed. Rate limits and 5xx
are retried with tenacity; other errors raise TikTokError with TikTok's code and log id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from integrations.tiktok.client import TikTokError

VIDEO_QUERY = "/v2/video/query/"
FIELDS = "id,view_count,like_count,comment_count,share_count"
BATCH = 20


def _retry_now(exc: BaseException) -> bool:
    return isinstance(exc, TikTokError) and exc.retryable


class TikTokMetrics:
    """Pulls figures for the posts the TikTok publisher made (the metrics job calls `post_metrics`)."""

    name = "tiktok"

    def __init__(self, access_token: str, *, base_url: str = "https://open.tiktokapis.com",
                 http: httpx.Client | None = None, max_attempts: int = 5, backoff_s: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._token, self._base = access_token, base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=60.0)
        self._retrying = Retrying(retry=retry_if_exception(_retry_now), stop=stop_after_attempt(max_attempts),
                                  wait=wait_exponential(multiplier=backoff_s, max=120), sleep=sleep, reraise=True)

    def _query(self, ids: list[str]) -> list[dict[str, Any]]:
        try:
            response = self._http.post(f"{self._base}{VIDEO_QUERY}", params={"fields": FIELDS},
                                       json={"filters": {"video_ids": ids}},
                                       headers={"Authorization": f"Bearer {self._token}"})
        except httpx.TransportError as exc:
            raise TikTokError("internal_error", f"connection: {type(exc).__name__}") from None
        try:
            payload = response.json()
        except ValueError:
            raise TikTokError("bad_response", f"HTTP {response.status_code}", http_status=response.status_code) \
                from None
        error = payload.get("error") or {}
        if response.status_code >= 400 or error.get("code", "ok") != "ok":
            raise TikTokError(error.get("code", f"http_{response.status_code}"), error.get("message", ""),
                              error.get("log_id", ""), response.status_code)
        return list((payload.get("data") or {}).get("videos") or [])

    def post_metrics(self, external_ids: list[str]) -> dict[str, dict[str, float]]:
        """{post id: {views, likes, comments, shares}} for the public post ids among `external_ids`."""
        ids = [i for i in dict.fromkeys(external_ids) if i.isdigit()]
        found: dict[str, dict[str, float]] = {}
        for start in range(0, len(ids), BATCH):
            for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
                with attempt:
                    videos = self._query(ids[start:start + BATCH])
            for video in videos:
                found[str(video["id"])] = {"views": float(video.get("view_count", 0)),
                                           "likes": float(video.get("like_count", 0)),
                                           "comments": float(video.get("comment_count", 0)),
                                           "shares": float(video.get("share_count", 0))}
        return found


def metrics_from_settings(**values: Any) -> TikTokMetrics:
    """The TikTok figures source, from the same TikTokSettings the publisher reads (TIKTOK_ACCESS_TOKEN needs
    the video.list scope as well as video.publish)."""
    from integrations.tiktok.settings import TikTokSettings

    cfg = TikTokSettings.from_values(values)
    if not cfg.access_token:
        raise ValueError("TikTok figures need TIKTOK_ACCESS_TOKEN (scope video.list)")
    return TikTokMetrics(cfg.access_token.get_secret_value(), base_url=cfg.api_base_url)
