"""A local stand-in for TikTok's Content Posting API (DESIGN §4) and Display API video query, real HTTP.

It checks the bearer token, validates init bodies and every Content-Range against the announced chunk plan, walks
a post through PROCESSING_UPLOAD → PROCESSING_DOWNLOAD → PUBLISH_COMPLETE (or SEND_TO_USER_INBOX), records every
call, and can be told to answer 429 (or 5xx) a number of times, or to fail publishing.
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
MB = 1024 * 1024


@dataclass
class FakePost:
    """One initialised publish_id and what arrived for it."""

    publish_id: str
    kind: str
    source: dict[str, Any]
    post_info: dict[str, Any]
    received: dict[int, bytes] = field(default_factory=dict)
    polls_after_upload: int = 0

    @property
    def complete(self) -> bool:
        """All announced bytes arrived."""
        return sum(len(b) for b in self.received.values()) == self.source["video_size"]

    def content(self) -> bytes:
        """The uploaded file, reassembled."""
        return b"".join(self.received[k] for k in sorted(self.received))


@dataclass
class FakeTikTokState:
    """Everything the fake remembers; tests read and steer it."""

    token: str
    base_url: str = ""
    username: str = "beanthere"
    privacy_level_options: list[str] = field(
        default_factory=lambda: ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"])
    calls: list[tuple[str, str]] = field(default_factory=list)
    posts: dict[str, FakePost] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    fail_publishing: bool = False
    max_video_post_duration_sec: int = 600
    upload_gate: threading.Event | None = None  # set: uploads hang until it is set, then die with the client
    upload_arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stats: dict[str, dict[str, int]] = field(default_factory=dict)  # Display API figures per post id (issue 15)
    processing_polls: int = 1  # status answers PROCESSING_DOWNLOAD this many times once the bytes are in

    def set_stats(self, post_id: str, views: int, likes: int = 0, comments: int = 0, shares: int = 0) -> None:
        """What /v2/video/query/ answers for a post (a simulated audience)."""
        self.stats[str(post_id)] = {"view_count": views, "like_count": likes, "comment_count": comments,
                                    "share_count": shares}

    def fail_next(self, path: str, status: int = 429, times: int = 1, code: str | None = None) -> None:
        """Answer `status` (with TikTok error `code`) to the next `times` calls on `path` (an API path, or
        '/upload/'). The default code follows the status: rate_limit_exceeded for 429, internal_error otherwise."""
        code = code or ("rate_limit_exceeded" if status == 429 else "internal_error")
        self.failures.setdefault(path, []).extend([(status, code)] * times)

    def hold_uploads(self) -> threading.Event:
        """Make the next uploads hang (like a worker stuck mid-upload); returns the event that lets them go."""
        self.upload_gate = threading.Event()
        self.upload_arrived.clear()
        return self.upload_gate

    def count(self, path: str) -> int:
        """How many calls reached `path` (including the failed ones)."""
        return sum(1 for _, p in self.calls if p == path)


def _envelope(data: dict[str, Any] | None = None, code: str = "ok", message: str = "") -> dict[str, Any]:
    return {"data": data or {}, "error": {"code": code, "message": message, "log_id": "fake-log-0001"}}


class _Handler(JsonStandInHandler):
    server: StandInServer

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _injected_failure(self, path: str) -> bool:
        state = self.server.state
        with state.lock:
            state.calls.append((self.command, path))
            queue = state.failures.get(path) or []
            failure = queue.pop(0) if queue else None
        if failure is None:
            return False
        status, code = failure
        self._reply(status, _envelope(code=code, message="told to fail"))
        return True

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        body = self._body()
        if self._injected_failure(path):
            return
        if self.headers.get("Authorization") != f"Bearer {self.server.state.token}":
            self._reply(401, _envelope(code="access_token_invalid", message="The access token is invalid."))
            return
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            self._reply(400, _envelope(code="invalid_params", message="body is not JSON"))
            return
        routes = {"/v2/post/publish/creator_info/query/": self._creator_info,
                  "/v2/post/publish/video/init/": lambda p: self._init(p, "direct"),
                  "/v2/post/publish/inbox/video/init/": lambda p: self._init(p, "inbox"),
                  "/v2/post/publish/status/fetch/": self._status,
                  "/v2/video/query/": self._video_query}
        handler = routes.get(path)
        if handler is None:
            self._reply(404, _envelope(code="not_found", message=path))
            return
        handler(payload)

    def _creator_info(self, _: dict[str, Any]) -> None:
        state = self.server.state
        self._reply(200, _envelope({
            "creator_username": state.username, "creator_nickname": "Bean There", "creator_avatar_url": "",
            "privacy_level_options": state.privacy_level_options, "comment_disabled": False,
            "duet_disabled": True, "stitch_disabled": False,
            "max_video_post_duration_sec": state.max_video_post_duration_sec}))

    def _init(self, payload: dict[str, Any], kind: str) -> None:
        state = self.server.state
        source = payload.get("source_info") or {}
        size, chunk, count = source.get("video_size"), source.get("chunk_size"), source.get("total_chunk_count")
        problem = ""
        if source.get("source") != "FILE_UPLOAD" or not all(isinstance(v, int) and v > 0 for v in (size, chunk, count)):
            problem = "source_info needs FILE_UPLOAD, video_size, chunk_size, total_chunk_count"
        elif size < 5 * MB and (chunk != size or count != 1):
            problem = "files under 5 MB go up whole"
        elif size >= 5 * MB and (not 5 * MB <= chunk <= 64 * MB or count != size // chunk):
            problem = "chunk_size must be 5-64 MB and total_chunk_count = floor(video_size / chunk_size)"
        post_info = payload.get("post_info") or {}
        if kind == "direct" and post_info.get("privacy_level") not in state.privacy_level_options:
            problem = f"privacy_level {post_info.get('privacy_level')!r} not in creator's options"
        if problem:
            self._reply(400, _envelope(code="invalid_params", message=problem))
            return
        with state.lock:
            publish_id = f"v_pub_file~v2-1.{len(state.posts) + 1}"
            state.posts[publish_id] = FakePost(publish_id, kind, source, post_info)
        self._reply(200, _envelope({"publish_id": publish_id,
                                    "upload_url": f"{state.base_url}/upload/?upload_id={publish_id}"}))

    def _status(self, payload: dict[str, Any]) -> None:
        state = self.server.state
        post = state.posts.get(str(payload.get("publish_id")))
        if post is None:
            self._reply(400, _envelope(code="invalid_publish_id", message="unknown publish_id"))
            return
        data: dict[str, Any] = {"uploaded_bytes": sum(len(b) for b in post.received.values())}
        if not post.complete:
            data["status"] = "PROCESSING_UPLOAD"
        elif state.fail_publishing:
            data.update(status="FAILED", fail_reason="file_format_check_failed")
        elif post.polls_after_upload < state.processing_polls:
            post.polls_after_upload += 1
            data["status"] = "PROCESSING_DOWNLOAD"
        elif post.kind == "inbox":
            data["status"] = "SEND_TO_USER_INBOX"
        else:
            data.update(status="PUBLISH_COMPLETE", publicaly_available_post_id=[7_300_000_000_000_000 + len(
                [p for p in state.posts.values() if p.complete])])
        self._reply(200, _envelope(data))

    def _video_query(self, payload: dict[str, Any]) -> None:
        """Display API: the requested fields of the listed posts that exist (unknown ids are left out)."""
        fields = (parse_qs(urlparse(self.path).query).get("fields") or [""])[0].split(",")
        ids = [str(i) for i in (payload.get("filters") or {}).get("video_ids") or []]
        if not ids or len(ids) > 20:
            self._reply(400, _envelope(code="invalid_params", message="1 to 20 video_ids"))
            return
        videos = [{"id": i, **{k: v for k, v in self.server.state.stats[i].items() if k in fields}}
                  for i in ids if i in self.server.state.stats]
        self._reply(200, _envelope({"videos": videos, "cursor": 0, "has_more": False}))

    def do_PUT(self) -> None:
        parsed = urlparse(self.path)
        body = self._body()
        if self._injected_failure(parsed.path):
            return
        gate = self.server.state.upload_gate
        if gate is not None:  # a stuck upload: nothing is stored, the connection dies with its client
            self.server.state.upload_arrived.set()
            gate.wait(60)
            self.close_connection = True
            return
        post = self.server.state.posts.get((parse_qs(parsed.query).get("upload_id") or [""])[0])
        match = RANGE.match(self.headers.get("Content-Range", ""))
        if post is None or parsed.path != "/upload/":
            self._reply(404, {"error": "unknown upload url"})
            return
        if match is None:
            self._reply(400, {"error": "Content-Range must be 'bytes first-last/total'"})
            return
        first, last, total = (int(g) for g in match.groups())
        chunk, size = post.source["chunk_size"], post.source["video_size"]
        index = first // chunk
        is_last = index == post.source["total_chunk_count"] - 1
        expected_last = size - 1 if is_last else first + chunk - 1
        if total != size or first % chunk or last != expected_last or len(body) != last - first + 1:
            self._reply(416, {"error": f"bad range {first}-{last}/{total} for {len(body)} bytes"})
            return
        post.received[first] = body
        self._reply(201 if post.complete else 206, {})


@contextmanager
def fake_tiktok(token: str = "act.test-token") -> Iterator[FakeTikTokState]:
    """Run the stand-in on 127.0.0.1 (a free port) for the duration of the block."""
    with serve_locally(_Handler, lambda base_url: FakeTikTokState(token=token, base_url=base_url)) as state:
        yield state
