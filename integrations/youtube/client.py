"""YouTube Data API v3 through google-api-python-client: resumable upload, processing status, playlists, statistics.

The service is built from the discovery document that ships inside google-api-python-client (no discovery fetch at
run time). Its `rootUrl` is the configured API base: Google's by default, a local stand-in in tests and the demo —
`client_options.api_endpoint` alone would not do, because the library keeps the https scheme of the upload URL.

Rate limits (429, 403 rateLimitExceeded/userRateLimitExceeded), Google's 5xx and dropped connections are retried
with exponential backoff (tenacity); a spent daily quota, a dead token or a rejected video raise YouTubeError at once
so the publish sweep can back off for hours or tell a person. Quota cannot be read from the API, so the client keeps
its own books for the current Pacific day (`QuotaBook`), which preflight shows as "quota left".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httplib2
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError, ResumableUploadError
from googleapiclient.http import MediaFileUpload, build_http
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

DEFAULT_BASE = "https://youtube.googleapis.com/"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
MB = 1024 * 1024
DEFAULT_CHUNK = 8 * MB  # a multiple of 256 KiB, as resumable uploads require
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# units per call (Google's quota table, checked 2026-12); videos.insert has its own bucket of calls per day
UNIT_COST = {"videos.list": 1, "playlists.list": 1, "playlists.insert": 50, "playlistItems.insert": 50}
PACIFIC = ZoneInfo("America/Los_Angeles")


class YouTubeError(RuntimeError):
    """A refusal from YouTube, with the `reason` Google gave.

    `retryable` tells the publish sweep whether a later attempt can succeed: rate limits, 5xx, a spent daily quota
    (it resets at midnight Pacific) and "still processing" can; a dead token or a rejected video cannot.
    """

    def __init__(self, reason: str, message: str = "", http_status: int | None = None, *,
                 retryable: bool | None = None) -> None:
        super().__init__(f"YouTube {reason}: {message}" if message else f"YouTube {reason}")
        self.reason, self.message, self.http_status = reason, message, http_status
        self._retryable = retryable
        self.fallback: str | None = None

    @property
    def retryable(self) -> bool:
        """True when waiting can fix it."""
        if self._retryable is not None:
            return self._retryable
        return (self.reason in RATE_REASONS | QUOTA_REASONS or self.http_status == 429
                or (self.http_status or 0) >= 500)


def _reason(exc: HttpError) -> tuple[str, str]:
    """(reason, message) from Google's JSON error body."""
    try:
        error = json.loads(exc.content or b"{}").get("error") or {}
    except ValueError:
        return f"http_{exc.resp.status}", ""
    details = error.get("errors") or [{}]
    return str(details[0].get("reason") or error.get("status") or f"http_{exc.resp.status}"), str(
        error.get("message", ""))


def as_youtube_error(exc: BaseException) -> YouTubeError:
    """Google's exceptions in our words (the token never appears: Google does not echo it)."""
    if isinstance(exc, YouTubeError):
        return exc
    if isinstance(exc, RefreshError):
        return YouTubeError("token_expired", "the access token expired and could not be refreshed; reconnect the "
                            "YouTube account", 401, retryable=False)
    if isinstance(exc, HttpError):
        reason, message = _reason(exc)
        if exc.resp.status == 401:
            return YouTubeError("token_expired", message or "the access token is no longer valid", 401,
                                retryable=False)
        return YouTubeError(reason, message, exc.resp.status)
    if isinstance(exc, (OSError, httplib2.HttpLib2Error)):
        return YouTubeError("connection", str(exc), None, retryable=True)
    raise exc


def _should_retry_now(exc: BaseException) -> bool:
    """Back off and retry at once only for rate limits, 5xx and dropped connections — not for a spent quota."""
    if isinstance(exc, (RefreshError, YouTubeError)):
        return False
    if isinstance(exc, HttpError):
        reason, _ = _reason(exc)
        return exc.resp.status == 429 or exc.resp.status >= 500 or reason in RATE_REASONS
    return isinstance(exc, (OSError, httplib2.HttpLib2Error))


@dataclass
class QuotaBook:
    """What this client spent today (Pacific time, when Google's quotas reset), against the project's allowance."""

    insert_limit: int = 100
    unit_limit: int = 10_000
    day: str = ""
    inserts: int = 0
    units: int = 0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(PACIFIC))

    def _roll(self) -> None:
        today = self.clock().astimezone(PACIFIC).date().isoformat()
        if today != self.day:
            self.day, self.inserts, self.units = today, 0, 0

    def spend(self, call: str) -> None:
        """Count one call."""
        self._roll()
        if call == "videos.insert":
            self.inserts += 1
        else:
            self.units += UNIT_COST.get(call, 1)

    def left(self) -> dict[str, int]:
        """Uploads and units left today."""
        self._roll()
        return {"uploads_left": max(0, self.insert_limit - self.inserts),
                "units_left": max(0, self.unit_limit - self.units)}


class _SessionRecorder:
    """Wraps the authorised http so the resumable session URI is known the moment YouTube hands it out — before
    any byte goes up — and can be saved for a resume after a crash."""

    def __init__(self, http: Any, on_session: Callable[[str], None]) -> None:
        self._http, self._on_session = http, on_session

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        """Delegate; report a fresh session's Location."""
        resp, content = self._http.request(uri, method, *args, **kwargs)
        if method == "POST" and "uploadType=resumable" in uri and resp.status == 200 and "location" in resp:
            self._on_session(resp["location"])
        return resp, content


class YouTubeClient:
    """One channel's OAuth credentials → the few Data API calls the publisher and the metrics job need."""

    def __init__(self, access_token: str, *, refresh_token: str | None = None, client_id: str | None = None,
                 client_secret: str | None = None, token_uri: str = DEFAULT_TOKEN_URI, base_url: str = DEFAULT_BASE,
                 chunk_size: int = DEFAULT_CHUNK, max_attempts: int = 5, backoff_s: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep, timeout_s: float = 120.0,
                 quota: QuotaBook | None = None) -> None:
        self.credentials = Credentials(token=access_token, refresh_token=refresh_token, client_id=client_id,
                                       client_secret=client_secret, token_uri=token_uri, scopes=[UPLOAD_SCOPE])
        raw = build_http()  # httplib2 that does not follow 308: that is "resume incomplete" in the upload protocol
        raw.timeout = timeout_s
        self.http = AuthorizedHttp(self.credentials, http=raw)
        document = json.loads(get_static_doc("youtube", "v3") or "{}")
        document["rootUrl"] = base_url if base_url.endswith("/") else base_url + "/"
        document.pop("mtlsRootUrl", None)
        self.service = build_from_document(document, http=self.http)
        self.chunk_size = max(256 * 1024, chunk_size // (256 * 1024) * (256 * 1024))
        self.quota = quota or QuotaBook()
        self._retrying = Retrying(retry=retry_if_exception(_should_retry_now), stop=stop_after_attempt(max_attempts),
                                  wait=wait_exponential(multiplier=backoff_s, max=120), sleep=sleep, reraise=True)

    def _call(self, name: str, make: Callable[[], Any]) -> Any:
        """Execute one API request with backoff; count its quota; translate Google's errors."""
        try:
            for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
                with attempt:
                    self.quota.spend(name)
                    return make().execute(num_retries=0)
        except Exception as exc:  # translated, never swallowed
            raise as_youtube_error(exc) from exc
        raise AssertionError("unreachable")

    def upload(self, path: Path, body: dict[str, Any], *, resume_uri: str | None = None,
               on_session: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
        """videos.insert with a resumable upload; returns the video resource.

        With `resume_uri` (saved from an earlier, interrupted attempt) the library first asks YouTube how many bytes
        it holds (`Content-Range: bytes */size`) and sends only the rest; an expired session starts a new one.
        """
        media = MediaFileUpload(str(path), mimetype="video/mp4", chunksize=self.chunk_size, resumable=True)
        request = self.service.videos().insert(part="snippet,status", body=body, media_body=media,
                                               notifySubscribers=True)
        if resume_uri:
            request.resumable_uri = resume_uri
            request._in_error_state = True  # the library's own resume path: query progress before sending bytes
        recorder = _SessionRecorder(self.http, on_session)
        response: dict[str, Any] | None = None
        try:
            if not resume_uri:
                self.quota.spend("videos.insert")
            while response is None:
                for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
                    with attempt:
                        _, response = request.next_chunk(http=recorder, num_retries=0)
        except HttpError as exc:
            if resume_uri and exc.resp.status in (404, 410):
                return self.upload(path, body, on_session=on_session)  # the session expired: start again
            raise as_youtube_error(exc) from exc
        except ResumableUploadError as exc:
            raise as_youtube_error(exc) from exc
        except Exception as exc:  # translated, never swallowed
            raise as_youtube_error(exc) from exc
        return response

    def video_status(self, video_id: str) -> dict[str, Any]:
        """status + processingDetails of one video (empty when YouTube has no such video)."""
        found = self._call("videos.list", lambda: self.service.videos().list(
            part="status,processingDetails", id=video_id))
        items = found.get("items") or []
        return items[0] if items else {}

    def find_playlist(self, marker: str) -> str | None:
        """The id of the channel's playlist whose description carries `marker` (one per season)."""
        token: str | None = None
        while True:
            page = self._call("playlists.list", lambda t=token: self.service.playlists().list(
                part="snippet", mine=True, maxResults=50, pageToken=t))
            for item in page.get("items") or []:
                if marker in (item.get("snippet") or {}).get("description", ""):
                    return str(item["id"])
            token = page.get("nextPageToken")
            if not token:
                return None

    def create_playlist(self, title: str, description: str, privacy: str) -> str:
        """playlists.insert; returns the playlist id."""
        created = self._call("playlists.insert", lambda: self.service.playlists().insert(
            part="snippet,status", body={"snippet": {"title": title[:150], "description": description},
                                         "status": {"privacyStatus": privacy}}))
        return str(created["id"])

    def add_to_playlist(self, playlist_id: str, video_id: str, position: int | None = None) -> str:
        """playlistItems.insert; returns the item id."""
        snippet: dict[str, Any] = {"playlistId": playlist_id,
                                   "resourceId": {"kind": "youtube#video", "videoId": video_id}}
        if position is not None:
            snippet["position"] = position
        item = self._call("playlistItems.insert", lambda: self.service.playlistItems().insert(
            part="snippet", body={"snippet": snippet}))
        return str(item["id"])

    def statistics(self, video_ids: list[str]) -> dict[str, dict[str, int]]:
        """videos.list(part=statistics) → {video_id: {views, likes, comments}} (50 ids per call)."""
        found: dict[str, dict[str, int]] = {}
        for start in range(0, len(video_ids), 50):
            batch = ",".join(video_ids[start:start + 50])
            page = self._call("videos.list", lambda b=batch: self.service.videos().list(part="statistics", id=b))
            for item in page.get("items") or []:
                stats = item.get("statistics") or {}
                found[str(item["id"])] = {"views": int(stats.get("viewCount", 0)),
                                          "likes": int(stats.get("likeCount", 0)),
                                          "comments": int(stats.get("commentCount", 0))}
        return found
