"""A local stand-in for LinkedIn's Videos and Posts REST APIs, real HTTP — for tests and the demo.

`POST /rest/videos?action=initializeUpload` (parts of 4 MiB with pre-signed upload URLs), `PUT` each part (answers
an ETag), `POST /rest/videos?action=finalizeUpload` (the ETags in order), `GET /rest/videos/{urn}` (PROCESSING →
AVAILABLE, or PROCESSING_FAILED), `POST /rest/posts` (201 + `x-restli-id`), `GET /rest/posts?q=author`. Every REST
call must carry the bearer token, `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`. Tests can inject
failures (429, 5xx), expire the token, or fail processing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from integrations.local_http import JsonStandInHandler, StandInServer, serve_locally

PART = 4 * 1024 * 1024
AUTHOR = "urn:li:organization:5515715"


@dataclass
class FakeLinkedInState:
    """What the stand-in remembers; tests read and steer it."""

    token: str
    base_url: str = ""
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    fail_processing: str | None = None
    processing_polls: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, key: str, status: int = 429, times: int = 1) -> None:
        """Answer `status` to the next calls on a route key: initializeUpload, upload, finalizeUpload, video, posts."""
        self.failures.setdefault(key, []).extend([status] * times)

    def expire_token(self) -> None:
        """The token stops working (401, serviceErrorCode 65600)."""
        self.token += "-expired"

    def count(self, key: str) -> int:
        """Calls that reached a route key, failed ones included."""
        return sum(1 for _, k in self.calls if k == key)


def _error(status: int, code: int, text: str) -> dict[str, Any]:
    return {"status": status, "serviceErrorCode": code, "code": "ERROR", "message": text}


class _Handler(JsonStandInHandler):
    server: StandInServer

    def _key(self) -> tuple[str, dict[str, str], str]:
        parsed = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if parsed.path.startswith("/upload/"):
            return "upload", query, parsed.path
        if parsed.path == "/rest/videos":
            return query.get("action", "videos"), query, parsed.path
        if parsed.path.startswith("/rest/videos/"):
            return "video", query, parsed.path
        return "posts" if parsed.path == "/rest/posts" else "unknown", query, parsed.path

    def _gate(self, key: str) -> bool:
        state = self.server.state
        with state.lock:
            state.calls.append((self.command, key))
            queue = state.failures.get(key) or []
            status = queue.pop(0) if queue else None
        if status is not None:
            self._reply(status, _error(status, 0, "told to fail"))
            return True
        if key == "upload":
            return False
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._reply(401, _error(401, 65600, "Invalid access token"))
            return True
        if not self.headers.get("LinkedIn-Version") or self.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            self._reply(400, _error(400, 100, "LinkedIn-Version and X-Restli-Protocol-Version: 2.0.0 required"))
            return True
        return False

    def _json(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return json.loads(raw or b"{}")

    def do_POST(self) -> None:
        key, _, _ = self._key()
        body = self._json()
        if self._gate(key):
            return
        if key == "initializeUpload":
            self._initialize(body.get("initializeUploadRequest") or {})
        elif key == "finalizeUpload":
            self._finalize(body.get("finalizeUploadRequest") or {})
        elif key == "posts":
            self._post(body)
        else:
            self._reply(404, _error(404, 0, "no such route"))

    def _initialize(self, request: dict[str, Any]) -> None:
        state = self.server.state
        size = request.get("fileSizeBytes")
        if request.get("owner") != AUTHOR or not isinstance(size, int) or size <= 0:
            self._reply(422, _error(422, 100, "owner and fileSizeBytes are required"))
            return
        with state.lock:
            video_id = f"C5F{len(state.videos) + 1:011d}"
            urn = f"urn:li:video:{video_id}"
            parts = [(first, min(first + PART, size) - 1) for first in range(0, size, PART)]
            state.videos[urn] = {"size": size, "parts": {}, "etags": {}, "status": "WAITING_UPLOAD", "polls": 0,
                                 "bytes": b""}
        self._reply(200, {"value": {
            "uploadUrlsExpireAt": 1_900_000_000_000, "video": urn, "uploadToken": f"tok-{video_id}",
            "uploadInstructions": [{"uploadUrl": f"{state.base_url}/upload/{video_id}/{i}", "firstByte": first,
                                    "lastByte": last} for i, (first, last) in enumerate(parts)]}})

    def do_PUT(self) -> None:
        key, _, path = self._key()
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self._gate(key):
            return
        _, _, video_id, index = path.split("/")
        video = self.server.state.videos.get(f"urn:li:video:{video_id}")
        if video is None:
            self._reply(404, _error(404, 0, "unknown upload URL"))
            return
        etag = f"/etag-{index}-{hashlib.sha256(data).hexdigest()[:12]}"
        video["parts"][int(index)], video["etags"][int(index)] = data, etag
        self._reply(201, None, {"ETag": etag})

    def _finalize(self, request: dict[str, Any]) -> None:
        video = self.server.state.videos.get(str(request.get("video")))
        if video is None:
            self._reply(404, _error(404, 0, "unknown video"))
            return
        expected = [video["etags"][i] for i in sorted(video["etags"])]
        content = b"".join(video["parts"][i] for i in sorted(video["parts"]))
        if request.get("uploadedPartIds") != expected or len(content) != video["size"]:
            self._reply(400, _error(400, 100, "uploadedPartIds must list every part's ETag in order"))
            return
        video.update(bytes=content, status="PROCESSING")
        self._reply(200, None)

    def _post(self, body: dict[str, Any]) -> None:
        state = self.server.state
        media = ((body.get("content") or {}).get("media") or {}).get("id")
        video = state.videos.get(str(media))
        if body.get("author") != AUTHOR or video is None or video["status"] != "AVAILABLE":
            self._reply(422, _error(422, 100, "author and an AVAILABLE video are required"))
            return
        if len(body.get("commentary", "")) > 3000:
            self._reply(422, _error(422, 100, "commentary is over 3000 characters"))
            return
        with state.lock:
            urn = f"urn:li:share:{7_000_000_000_000_000_000 + len(state.posts) + 1}"
            state.posts.append({"id": urn, **body})
        self._reply(201, None, {"x-restli-id": urn})

    def do_GET(self) -> None:
        key, query, path = self._key()
        if self._gate(key):
            return
        state = self.server.state
        if key == "posts" and query.get("q") == "author":
            mine = [p for p in state.posts if p["author"] == query.get("author")]
            self._reply(200, {"elements": list(reversed(mine))[:int(query.get("count", 10))], "paging": {}})
            return
        video = state.videos.get(unquote(path.removeprefix("/rest/videos/")))
        if key != "video" or video is None:
            self._reply(404, _error(404, 0, "not found"))
            return
        if video["status"] == "PROCESSING":
            video["polls"] += 1
            if state.fail_processing:
                video.update(status="PROCESSING_FAILED", reason=state.fail_processing)
            elif video["polls"] > state.processing_polls:
                video["status"] = "AVAILABLE"
        found = {"id": unquote(path.removeprefix("/rest/videos/")), "status": video["status"]}
        if video.get("reason"):
            found["processingFailureReason"] = video["reason"]
        self._reply(200, found)


@contextmanager
def fake_linkedin(token: str = "AQV-test-token") -> Iterator[FakeLinkedInState]:
    """Run the stand-in on 127.0.0.1 (a free port) for the duration of the block."""
    with serve_locally(_Handler, lambda base_url: FakeLinkedInState(token=token, base_url=base_url)) as state:
        yield state
