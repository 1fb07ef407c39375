"""A local stand-in for the YouTube Data API v3 (the parts we call), speaking real HTTP — for tests and the demo.

The real google-api-python-client talks to it (its own discovery document, with `rootUrl` pointed here):
resumable `videos.insert` (session start → `Location`, chunked PUTs answered 308 + `Range` until the last one, the
`bytes */size` status query), `videos.list` (status, processingDetails, statistics), `playlists.list/insert`,
`playlistItems.insert` and the OAuth token endpoint (refresh). It keeps Google's quota books — a separate daily bucket
of `videos.insert` calls and 10,000 units for everything else — and can be told to rate-limit, expire the token,
or fail processing. Error bodies follow Google's JSON error shape (`error.errors[].reason`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from integrations.local_http import JsonStandInHandler, StandInServer, serve_locally

RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
STATUS_QUERY = re.compile(r"^bytes \*/(\d+)$")
UNIT_COST = {("GET", "/youtube/v3/videos"): 1, ("GET", "/youtube/v3/playlists"): 1,
             ("POST", "/youtube/v3/playlists"): 50, ("POST", "/youtube/v3/playlistItems"): 50}


@dataclass
class FakeUpload:
    """One resumable session and the bytes that arrived for it."""

    upload_id: str
    metadata: dict[str, Any]
    size: int
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None


@dataclass
class FakeYouTubeState:
    """What the stand-in remembers; tests read and steer it."""

    token: str
    refresh_token: str = "refresh-1"
    base_url: str = ""
    channel_id: str = "UC_beanthere"
    uploads: dict[str, FakeUpload] = field(default_factory=dict)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    playlists: dict[str, dict[str, Any]] = field(default_factory=dict)
    playlist_items: list[dict[str, Any]] = field(default_factory=list)
    statistics: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    insert_quota: int = 100  # videos.insert calls per day (their own bucket)
    unit_quota: int = 10_000  # units per day for everything else
    inserts_used: int = 0
    units_used: int = 0
    fail_processing: str | None = None  # a failureReason: uploads then end in uploadStatus "failed"
    processing_polls: int = 1  # videos.list answers "uploaded" this many times before "processed"
    refreshes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path: str, status: int = 429, times: int = 1, reason: str | None = None) -> None:
        """Answer `status` with error `reason` to the next `times` calls on `path` ('/upload' for chunk PUTs)."""
        reason = reason or {429: "rateLimitExceeded", 403: "quotaExceeded", 401: "authError"}.get(status,
                                                                                                 "backendError")
        self.failures.setdefault(path, []).extend([(status, reason)] * times)

    def expire_token(self) -> None:
        """The access token stops working (a refresh gets a new one)."""
        self.token = self.token + "-expired"

    def count(self, method: str, path: str) -> int:
        """How many calls reached (method, path), failed ones included."""
        return sum(1 for call in self.calls if call == (method, path))

    def set_statistics(self, video_id: str, views: int, likes: int = 0, comments: int = 0) -> None:
        """What videos.list(part=statistics) answers for a video (a simulated audience)."""
        self.statistics[video_id] = {"viewCount": str(views), "likeCount": str(likes),
                                     "favoriteCount": "0", "commentCount": str(comments)}


def _error(status: int, reason: str, message: str = "") -> dict[str, Any]:
    domain = "youtube.quota" if reason == "quotaExceeded" else "global"
    return {"error": {"code": status, "message": message or reason,
                      "errors": [{"message": message or reason, "domain": domain, "reason": reason}]}}


class _Handler(JsonStandInHandler):
    server: StandInServer
    content_type = "application/json; charset=UTF-8"

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _gate(self, path: str) -> bool:
        """Record the call; answer an injected failure, a bad token or an exhausted quota. True = answered."""
        state = self.server.state
        with state.lock:
            state.calls.append((self.command, path))
            queue = state.failures.get(path) or []
            failure = queue.pop(0) if queue else None
        if failure is not None:
            self._reply(failure[0], _error(*failure, message="told to fail"))
            return True
        if path == "/token":
            return False
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._reply(401, _error(401, "authError", "Request had invalid authentication credentials."))
            return True
        cost = UNIT_COST.get((self.command, path), 0)
        with state.lock:
            if path == "/upload/youtube/v3/videos" and self.command == "POST":
                if state.inserts_used >= state.insert_quota:
                    self._reply(403, _error(403, "quotaExceeded", "videos.insert daily quota used up"))
                    return True
                state.inserts_used += 1
            elif cost:
                if state.units_used + cost > state.unit_quota:
                    self._reply(403, _error(403, "quotaExceeded", "The request cannot be completed because you "
                                            "have exceeded your quota."))
                    return True
                state.units_used += cost
        return False

    def do_POST(self) -> None:
        parsed = urlparse(self.path)
        body = self._body()
        if self._gate(parsed.path):
            return
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if parsed.path == "/token":
            self._token(parse_qs(body.decode()))
            return
        payload = json.loads(body or b"{}")
        if parsed.path == "/upload/youtube/v3/videos":
            self._start_upload(query, payload)
        elif parsed.path == "/youtube/v3/playlists":
            self._insert_playlist(payload)
        elif parsed.path == "/youtube/v3/playlistItems":
            self._insert_playlist_item(payload)
        else:
            self._reply(404, _error(404, "notFound", parsed.path))

    def _token(self, form: dict[str, list[str]]) -> None:
        state = self.server.state
        if (form.get("grant_type") or [""])[0] != "refresh_token" or \
                (form.get("refresh_token") or [""])[0] != state.refresh_token:
            self._reply(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
            return
        with state.lock:
            state.refreshes += 1
            state.token = f"ya29.fresh-{state.refreshes}"
        self._reply(200, {"access_token": state.token, "expires_in": 3599, "token_type": "Bearer",
                          "scope": "https://www.googleapis.com/auth/youtube.upload"})

    def _start_upload(self, query: dict[str, str], payload: dict[str, Any]) -> None:
        state = self.server.state
        if query.get("uploadType") != "resumable":
            self._reply(400, _error(400, "badRequest", "only resumable uploads here"))
            return
        size = self.headers.get("X-Upload-Content-Length")
        status = payload.get("status") or {}
        snippet = payload.get("snippet") or {}
        problem = ""
        if not size or not size.isdigit():
            problem = "X-Upload-Content-Length is required"
        elif not snippet.get("title") or len(snippet["title"]) > 100 or "<" in snippet["title"]:
            problem = "invalidTitle"
        elif len(snippet.get("description", "").encode()) > 5000:
            problem = "invalidDescription"
        elif "selfDeclaredMadeForKids" not in status or "containsSyntheticMedia" not in status:
            problem = "status.selfDeclaredMadeForKids and status.containsSyntheticMedia must be declared"
        if problem:
            self._reply(400, _error(400, "invalidVideoMetadata", problem))
            return
        with state.lock:
            upload_id = f"up-{len(state.uploads) + 1}"
            state.uploads[upload_id] = FakeUpload(upload_id, payload, int(str(size)))
        self._reply(200, {}, {"Location": f"{state.base_url}/upload/youtube/v3/videos?uploadType=resumable"
                                          f"&upload_id={upload_id}"})

    def do_PUT(self) -> None:
        parsed = urlparse(self.path)
        body = self._body()
        if self._gate("/upload"):
            return
        state = self.server.state
        upload = state.uploads.get((parse_qs(parsed.query).get("upload_id") or [""])[0])
        if upload is None:
            self._reply(404, _error(404, "notFound", "no such upload session"))
            return
        content_range = self.headers.get("Content-Range", "")
        if STATUS_QUERY.match(content_range):
            self._upload_progress(upload)
            return
        match = RANGE.match(content_range)
        if match is None:
            self._reply(400, _error(400, "badRequest", "Content-Range must be 'bytes first-last/total'"))
            return
        first, last, total = (int(g) for g in match.groups())
        if total != upload.size or first != len(upload.data) or len(body) != last - first + 1:
            self._reply(400, _error(400, "badContentRange", f"expected bytes from {len(upload.data)}"))
            return
        upload.data.extend(body)
        self._upload_progress(upload)

    def _upload_progress(self, upload: FakeUpload) -> None:
        """308 + Range while bytes are missing; the video resource (made once) when all arrived."""
        state = self.server.state
        if len(upload.data) < upload.size:
            headers = {"Range": f"bytes=0-{len(upload.data) - 1}"} if upload.data else {}
            self._reply(308, None, headers)
            return
        with state.lock:
            if upload.video_id is None:
                upload.video_id = f"yt{len(state.videos) + 1:09d}"
                state.videos[upload.video_id] = {
                    "kind": "youtube#video", "id": upload.video_id,
                    "snippet": {**upload.metadata.get("snippet", {}), "channelId": state.channel_id},
                    "status": {**upload.metadata.get("status", {}), "uploadStatus": "uploaded"},
                    "_polls": 0, "_bytes": bytes(upload.data)}
        self._reply(200, self._public(state.videos[upload.video_id]))

    @staticmethod
    def _public(video: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in video.items() if not k.startswith("_")}

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        if self._gate(parsed.path):
            return
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if parsed.path == "/youtube/v3/videos":
            self._list_videos(query)
        elif parsed.path == "/youtube/v3/playlists":
            mine = [p for p in self.server.state.playlists.values()] if query.get("mine") == "true" else []
            self._reply(200, {"kind": "youtube#playlistListResponse", "items": mine,
                              "pageInfo": {"totalResults": len(mine), "resultsPerPage": 50}})
        else:
            self._reply(404, _error(404, "notFound", parsed.path))

    def _list_videos(self, query: dict[str, str]) -> None:
        state = self.server.state
        parts = set(query.get("part", "").split(","))
        items = []
        for video_id in query.get("id", "").split(","):
            video = state.videos.get(video_id)
            if video is None:
                continue
            item: dict[str, Any] = {"kind": "youtube#video", "id": video_id}
            if "status" in parts or "processingDetails" in parts:
                video["_polls"] += 1
                status = dict(video["status"])
                if state.fail_processing:
                    status.update(uploadStatus="failed", failureReason=state.fail_processing)
                elif video["_polls"] > state.processing_polls:
                    status["uploadStatus"] = "processed"
                item["status"] = status
                done = status["uploadStatus"] != "uploaded"
                item["processingDetails"] = {"processingStatus": (
                    "failed" if status["uploadStatus"] == "failed" else "succeeded" if done else "processing")}
            if "snippet" in parts:
                item["snippet"] = video["snippet"]
            if "statistics" in parts:
                item["statistics"] = state.statistics.get(video_id, {"viewCount": "0", "likeCount": "0",
                                                                      "favoriteCount": "0", "commentCount": "0"})
            items.append(item)
        self._reply(200, {"kind": "youtube#videoListResponse", "items": items,
                          "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    def _insert_playlist(self, payload: dict[str, Any]) -> None:
        state = self.server.state
        title = (payload.get("snippet") or {}).get("title", "")
        if not title:
            self._reply(400, _error(400, "playlistTitleRequired", "a playlist needs a title"))
            return
        with state.lock:
            playlist_id = f"PL{len(state.playlists) + 1:04d}"
            state.playlists[playlist_id] = {"kind": "youtube#playlist", "id": playlist_id, **payload}
        self._reply(200, state.playlists[playlist_id])

    def _insert_playlist_item(self, payload: dict[str, Any]) -> None:
        state = self.server.state
        snippet = payload.get("snippet") or {}
        video_id = (snippet.get("resourceId") or {}).get("videoId")
        if snippet.get("playlistId") not in state.playlists:
            self._reply(404, _error(404, "playlistNotFound", "no such playlist"))
            return
        if video_id not in state.videos:
            self._reply(404, _error(404, "videoNotFound", "no such video"))
            return
        with state.lock:
            item = {"kind": "youtube#playlistItem", "id": f"PLI{len(state.playlist_items) + 1}", "snippet": snippet}
            state.playlist_items.append(item)
        self._reply(200, item)


@contextmanager
def fake_youtube(token: str = "ya29.test-token") -> Iterator[FakeYouTubeState]:
    """Run the stand-in on 127.0.0.1 (a free port) for the duration of the block."""
    with serve_locally(_Handler, lambda base_url: FakeYouTubeState(token=token, base_url=base_url)) as state:
        yield state
