"""A small httpx client for TikTok's Content Posting API (DESIGN §4): creator info, init, chunked upload, status.

Rate limits are tight (init 6/min, status 30/min), so 429 and 5xx answers are retried with exponential backoff
(honouring Retry-After); any other error is raised at once with TikTok's error code and log id, which is what their
support asks for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from integrations.http_retry import http_retrying

MB = 1024 * 1024
MIN_CHUNK, MAX_CHUNK, DEFAULT_CHUNK = 5 * MB, 64 * MB, 10 * MB
CREATOR_INFO = "/v2/post/publish/creator_info/query/"
DIRECT_INIT = "/v2/post/publish/video/init/"
INBOX_INIT = "/v2/post/publish/inbox/video/init/"
STATUS_FETCH = "/v2/post/publish/status/fetch/"
PUBLISH_COMPLETE, SEND_TO_USER_INBOX, FAILED = "PUBLISH_COMPLETE", "SEND_TO_USER_INBOX", "FAILED"


RETRY_STATUSES = frozenset({429, *range(500, 600)})  # rate limited, or TikTok's side failed: try again
RETRYABLE_CODES = frozenset({"rate_limit_exceeded", "internal_error", "status_timeout", "bad_response"})


class TikTokError(RuntimeError):
    """An error answer from TikTok (code + message + log_id), or a status that ended in FAILED.

    `retryable` tells the publish sweep whether a later attempt can succeed (rate limits, TikTok's 5xx) or not (a bad
    token, a file TikTok rejected): the sweep backs off on the first and reports the second at once. `fallback`
    names the publisher that should take the episode instead (the outbox, when TikTok's limits refuse it).
    """

    def __init__(self, code: str, message: str = "", log_id: str = "", http_status: int | None = None, *,
                 fallback: str | None = None) -> None:
        super().__init__(f"TikTok {code}: {message}" + (f" (log_id {log_id})" if log_id else ""))
        self.code, self.message, self.log_id, self.http_status = code, message, log_id, http_status
        self.fallback = fallback

    @property
    def retryable(self) -> bool:
        """429, 5xx and timeouts are worth another try later; everything else needs a person."""
        return self.code in RETRYABLE_CODES or self.http_status == 429 or (self.http_status or 0) >= 500


@dataclass(frozen=True)
class CreatorInfo:
    """What the creator's account allows right now (asked before every post, as TikTok requires)."""

    username: str
    privacy_level_options: list[str]
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = False
    max_video_post_duration_sec: int | None = None


@dataclass(frozen=True)
class UploadPlan:
    """source_info for init plus the byte ranges to PUT, following TikTok's chunk rules."""

    video_size: int
    chunk_size: int
    total_chunk_count: int
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def source_info(self) -> dict[str, Any]:
        """The FILE_UPLOAD source_info body."""
        return {"source": "FILE_UPLOAD", "video_size": self.video_size, "chunk_size": self.chunk_size,
                "total_chunk_count": self.total_chunk_count}


@dataclass(frozen=True)
class PublishStatus:
    """One status/fetch answer."""

    status: str
    fail_reason: str = ""
    post_ids: list[str] = field(default_factory=list)
    uploaded_bytes: int | None = None


def plan_chunks(video_size: int, chunk_size: int = DEFAULT_CHUNK) -> UploadPlan:
    """Whole file if < 5 MB; otherwise chunk_size-sized chunks, count = floor(size / chunk), last one takes the rest."""
    if video_size <= 0:
        raise ValueError("the video file is empty")
    if video_size < MIN_CHUNK:
        return UploadPlan(video_size, video_size, 1, [(0, video_size - 1)])
    chunk = min(max(chunk_size, MIN_CHUNK), MAX_CHUNK, video_size)
    count = video_size // chunk
    ranges = [(i * chunk, (i + 1) * chunk - 1) for i in range(count)]
    ranges[-1] = (ranges[-1][0], video_size - 1)
    return UploadPlan(video_size, chunk, count, ranges)


class TikTokClient:
    """Talks to open.tiktokapis.com (or a local stand-in) with one user access token."""

    def __init__(self, access_token: str, *, base_url: str = "https://open.tiktokapis.com",
                 http: httpx.Client | None = None, max_retries: int = 4, backoff_s: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep, timeout_s: float = 60.0) -> None:
        self._token = access_token
        self._base = base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._sleep = sleep  # also paces wait_for's status polls
        self._retrying = http_retrying(attempts=max_retries + 1, backoff_s=backoff_s, sleep=sleep,
                                       retry_statuses=RETRY_STATUSES)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with backoff on 429 / 5xx / connection errors; other answers are returned as they are."""
        response: httpx.Response = self._retrying(self._http.request, method, url, **kwargs)
        return response

    def _api(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON API call; return `data`, or raise TikTokError from the `error` envelope."""
        response = self._send("POST", self._base + path, json=body, headers={
            "Authorization": f"Bearer {self._token}", "Content-Type": "application/json; charset=UTF-8"})
        try:
            payload = response.json()
        except ValueError:
            raise TikTokError("bad_response", f"HTTP {response.status_code}: {response.text[:200]}",
                              http_status=response.status_code) from None
        error = payload.get("error") or {}
        if response.status_code >= 400 or error.get("code", "ok") != "ok":
            raise TikTokError(error.get("code", f"http_{response.status_code}"), error.get("message", ""),
                              error.get("log_id", ""), response.status_code)
        data = payload.get("data")
        return data if isinstance(data, dict) else {}

    def creator_info(self) -> CreatorInfo:
        """Query what the creator may post (privacy options, disabled interactions, max duration)."""
        data = self._api(CREATOR_INFO, {})
        return CreatorInfo(
            username=str(data.get("creator_username", "")),
            privacy_level_options=list(data.get("privacy_level_options") or []),
            comment_disabled=bool(data.get("comment_disabled")), duet_disabled=bool(data.get("duet_disabled")),
            stitch_disabled=bool(data.get("stitch_disabled")),
            max_video_post_duration_sec=data.get("max_video_post_duration_sec"))

    def init_direct_post(self, post_info: dict[str, Any], plan: UploadPlan) -> tuple[str, str]:
        """Start a direct post; returns (publish_id, upload_url)."""
        data = self._api(DIRECT_INIT, {"post_info": post_info, "source_info": plan.source_info()})
        return str(data["publish_id"]), str(data["upload_url"])

    def init_inbox_upload(self, plan: UploadPlan) -> tuple[str, str]:
        """Start an inbox draft (the creator finishes the post in the app); returns (publish_id, upload_url)."""
        data = self._api(INBOX_INIT, {"source_info": plan.source_info()})
        return str(data["publish_id"]), str(data["upload_url"])

    def upload(self, upload_url: str, path: Path, plan: UploadPlan) -> None:
        """PUT each chunk with its Content-Range; the upload URL is pre-signed, so no bearer token goes with it."""
        with open(path, "rb") as handle:
            for first, last in plan.ranges:
                handle.seek(first)
                chunk = handle.read(last - first + 1)
                response = self._send("PUT", upload_url, content=chunk, headers={
                    "Content-Type": "video/mp4", "Content-Length": str(len(chunk)),
                    "Content-Range": f"bytes {first}-{last}/{plan.video_size}"})
                if response.status_code not in (200, 201, 206):
                    raise TikTokError("upload_failed", f"HTTP {response.status_code} for bytes {first}-{last}: "
                                      f"{response.text[:200]}", http_status=response.status_code)

    def fetch_status(self, publish_id: str) -> PublishStatus:
        """One status/fetch call."""
        data = self._api(STATUS_FETCH, {"publish_id": publish_id})
        ids = data.get("publicaly_available_post_id") or data.get("publicly_available_post_id") or []
        return PublishStatus(status=str(data.get("status", "")), fail_reason=str(data.get("fail_reason", "")),
                             post_ids=[str(i) for i in ids], uploaded_bytes=data.get("uploaded_bytes"))

    def wait_for(self, publish_id: str, done: frozenset[str], *, interval_s: float = 3.0,
                 timeout_s: float = 600.0) -> PublishStatus:
        """Poll status until it is one of `done` or FAILED (30/min limit: keep interval_s >= 2)."""
        waited = 0.0
        while True:
            status = self.fetch_status(publish_id)
            if status.status in done or status.status == FAILED:
                return status
            if waited >= timeout_s:
                raise TikTokError("status_timeout", f"{publish_id} still {status.status} after {timeout_s:.0f} s")
            self._sleep(interval_s)
            waited += interval_s
