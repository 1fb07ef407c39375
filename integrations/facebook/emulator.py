"""A local stand-in for Meta's Graph API and rupload host (Instagram + Facebook Reels), real HTTP — tests and demo.

Instagram: `GET /{ig-user}/content_publishing_limit`, `POST /{ig-user}/media` (REELS, resumable) → `uri`,
`POST /ig-api-upload/{ver}/{container}` (headers `Authorization: OAuth …`, `offset`, `file_size`),
`GET /{container}?fields=status_code,status` (IN_PROGRESS → FINISHED | ERROR), `POST /{ig-user}/media_publish`,
`GET /{media}?fields=permalink`, `GET /{media}/insights`.
Facebook: `POST /{page}/video_reels` upload_phase=start → `upload_url`, `POST /video-upload/{ver}/{video}`,
`upload_phase=finish` + `video_state=PUBLISHED`, `GET /{video}?fields=status`, `GET /{video}/video_insights`.
Errors use the Graph envelope (`error.code`, `error_subcode`, `fbtrace_id`); tests can inject rate limits, expire the
token, fill the publishing limit, or make processing fail.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from integrations.local_http import JsonStandInHandler, StandInServer, serve_locally

IG_USER, PAGE = "17841400000000001", "100000000000001"


@dataclass
class FakeGraphState:
    """What the stand-in remembers; tests read and steer it."""

    token: str
    base_url: str = ""
    version: str = "v23.0"
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    reels: dict[str, dict[str, Any]] = field(default_factory=dict)
    insights: dict[str, dict[str, float]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, list[tuple[int, int, int | None]]] = field(default_factory=dict)
    quota_total: int = 100
    quota_usage: int = 0
    fail_processing: str | None = None  # a message: containers end in ERROR, reels in video_status "error"
    processing_polls: int = 1  # status answers IN_PROGRESS this many times before FINISHED
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, key: str, code: int = 4, subcode: int | None = None, http_status: int = 400,
                  times: int = 1) -> None:
        """Answer the next `times` calls whose route key is `key` (e.g. 'media', 'media_publish', 'video_reels',
        'upload', 'status') with a Graph error. Code 4 = application request limit reached."""
        self.failures.setdefault(key, []).extend([(http_status, code, subcode)] * times)

    def expire_token(self) -> None:
        """The token stops working (Graph answers code 190, subcode 463)."""
        self.token += "-expired"

    def count(self, key: str) -> int:
        """How many calls hit a route key, failed ones included."""
        return sum(1 for _, k in self.calls if k == key)


MESSAGES = {4: "Application request limit reached", 17: "User request limit reached",
            32: "Page request limit reached", 9: "Application does not have the capability to make this API call.",
            190: "Error validating access token: Session has expired.", 100: "Invalid parameter"}


def _error(code: int, subcode: int | None = None, message: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"message": message or MESSAGES.get(code, "error"), "type": "OAuthException",
                            "code": code, "fbtrace_id": "AfakeTrace01", "is_transient": False}
    if subcode:
        body["error_subcode"] = subcode
    return {"error": body}


class _Handler(JsonStandInHandler):
    server: StandInServer

    def _route(self) -> tuple[str, list[str], dict[str, str], bytes]:
        parsed = urlparse(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if self.command == "POST" and not parsed.path.startswith(("/ig-api-upload/", "/video-upload/")):
            params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        parts = [p for p in parsed.path.split("/") if p]
        if parts and parts[0] in ("ig-api-upload", "video-upload"):
            return "upload", parts, params, raw
        parts = parts[1:]  # drop the version
        key = parts[-1] if len(parts) == 2 else "status"
        return key, parts, params, raw

    def _gate(self, key: str, upload: bool) -> bool:
        state = self.server.state
        with state.lock:
            state.calls.append((self.command, key))
            queue = state.failures.get(key) or []
            failure = queue.pop(0) if queue else None
        if failure is not None:
            self._reply(failure[0], _error(failure[1], failure[2], "told to fail"))
            return True
        expected = f"OAuth {state.token}" if upload else f"Bearer {state.token}"
        if self.headers.get("Authorization") != expected:
            self._reply(401 if upload else 400, _error(190, 463))
            return True
        return False

    def do_GET(self) -> None:
        key, parts, params, _ = self._route()
        if self._gate(key, upload=False):
            return
        state = self.server.state
        if key == "content_publishing_limit":
            self._reply(200, {"data": [{"quota_usage": state.quota_usage,
                                        "config": {"quota_total": state.quota_total, "quota_duration": 86400}}]})
        elif key in ("insights", "video_insights"):
            wanted = params.get("metric", "").split(",")
            figures = state.insights.get(parts[0], {})
            self._reply(200, {"data": [{"name": m, "period": "lifetime", "values": [{"value": figures.get(m, 0)}],
                                        "id": f"{parts[0]}/insights/{m}/lifetime"} for m in wanted if m]})
        elif parts[0] in state.containers:
            self._container_status(state.containers[parts[0]])
        elif parts[0] in state.media:
            self._reply(200, {"id": parts[0], "permalink": state.media[parts[0]]["permalink"]})
        elif parts[0] in state.reels:
            self._reel_status(state.reels[parts[0]])
        else:
            self._reply(400, _error(100, 33, f"Object with ID '{parts[0]}' does not exist"))

    def _container_status(self, container: dict[str, Any]) -> None:
        state = self.server.state
        if container["published"]:
            self._reply(200, {"id": container["id"], "status_code": "PUBLISHED", "status": "Published"})
            return
        if not container["uploaded"]:
            self._reply(200, {"id": container["id"], "status_code": "IN_PROGRESS", "status": "Waiting for upload"})
            return
        container["polls"] += 1
        if state.fail_processing:
            code, status = "ERROR", f"Error: {state.fail_processing}"
        elif container["polls"] > state.processing_polls:
            code, status = "FINISHED", "Finished: Media container is ready to publish"
        else:
            code, status = "IN_PROGRESS", "In Progress: Media is still being processed"
        self._reply(200, {"id": container["id"], "status_code": code, "status": status})

    def _reel_status(self, reel: dict[str, Any]) -> None:
        state = self.server.state
        uploaded = len(reel["bytes"]) == reel.get("size", -1)
        phase = {"uploading_phase": {"status": "complete" if uploaded else "in_progress",
                                     "bytes_transferred": len(reel["bytes"])}}
        if reel["finished"]:
            reel["polls"] += 1
            if state.fail_processing:
                phase["processing_phase"] = {"status": "error", "errors": [{"code": 1363040,
                                                                             "message": state.fail_processing}]}
                video_status = "error"
            elif reel["polls"] > state.processing_polls:
                phase["processing_phase"] = {"status": "complete"}
                phase["publishing_phase"] = {"status": "complete", "publish_status": "published"}
                video_status = "ready"
            else:
                phase["processing_phase"] = {"status": "in_progress"}
                video_status = "processing"
        else:
            video_status = "upload_complete" if uploaded else "processing"
        self._reply(200, {"id": reel["id"], "status": {"video_status": video_status, **phase}})

    def do_POST(self) -> None:
        key, parts, params, raw = self._route()
        if self._gate(key, upload=key == "upload"):
            return
        if key == "upload":
            self._upload(parts, raw)
        elif key == "media" and parts[0] == IG_USER:
            self._create_container(params)
        elif key == "media_publish" and parts[0] == IG_USER:
            self._publish(params)
        elif key == "video_reels" and parts[0] == PAGE:
            self._video_reels(params)
        else:
            self._reply(400, _error(100, None, f"Unsupported post request: {'/'.join(parts)}"))

    def _create_container(self, params: dict[str, str]) -> None:
        state = self.server.state
        if params.get("media_type") != "REELS" or params.get("upload_type") != "resumable":
            self._reply(400, _error(100, None, "media_type=REELS and upload_type=resumable expected"))
            return
        caption = params.get("caption", "")
        if len(caption) > 2200 or caption.count("#") > 30:
            self._reply(400, _error(100, 2207028, "caption over 2,200 characters or 30 hashtags"))
            return
        with state.lock:
            container_id = f"1790000000000{len(state.containers) + 1:04d}"
            state.containers[container_id] = {"id": container_id, "caption": caption, "params": params,
                                              "bytes": b"", "uploaded": False, "published": False, "polls": 0}
        self._reply(200, {"id": container_id, "uri": f"{state.base_url}/ig-api-upload/{state.version}/"
                                                     f"{container_id}"})

    def _upload(self, parts: list[str], raw: bytes) -> None:
        state = self.server.state
        target_id = parts[-1]
        offset, size = self.headers.get("offset"), self.headers.get("file_size")
        target = state.containers.get(target_id) or state.reels.get(target_id)
        if target is None:
            self._reply(400, {"debug_info": {"retriable": False, "type": "NotFoundError", "message": "unknown id"}})
            return
        if not (offset or "").isdigit() or not (size or "").isdigit() or int(offset or 0) > len(target["bytes"]) \
                or int(offset or 0) + len(raw) != int(size or 0):
            self._reply(400, {"debug_info": {"retriable": False, "type": "BadRequest",
                                             "message": "offset and file_size headers must describe the bytes"}})
            return
        target["bytes"] = target["bytes"][:int(offset or 0)] + raw
        target["size"] = int(size or 0)
        target["uploaded"] = True
        self._reply(200, {"success": True, "message": "Upload successful."})

    def _publish(self, params: dict[str, str]) -> None:
        state = self.server.state
        container = state.containers.get(params.get("creation_id", ""))
        if container is None:
            self._reply(400, _error(100, None, "creation_id does not exist"))
            return
        if state.quota_usage >= state.quota_total:
            self._reply(400, _error(9, 2207042, "The account has reached its limit of posts for 24 hours"))
            return
        if container["polls"] <= state.processing_polls or container["published"]:
            self._reply(400, _error(9007, 2207027, "Media is not ready to be published"))
            return
        with state.lock:
            media_id = f"1800000000000{len(state.media) + 1:04d}"
            container["published"] = True
            state.quota_usage += 1
            state.media[media_id] = {"id": media_id, "container": container["id"],
                                     "permalink": f"https://www.instagram.com/reel/FAKE{len(state.media) + 1}/"}
        self._reply(200, {"id": media_id})

    def _video_reels(self, params: dict[str, str]) -> None:
        state = self.server.state
        phase = params.get("upload_phase")
        if phase == "start":
            with state.lock:
                video_id = f"1200000000000{len(state.reels) + 1:04d}"
                state.reels[video_id] = {"id": video_id, "bytes": b"", "finished": False, "polls": 0,
                                         "description": ""}
            self._reply(200, {"video_id": video_id,
                              "upload_url": f"{state.base_url}/video-upload/{state.version}/{video_id}"})
            return
        reel = state.reels.get(params.get("video_id", ""))
        if phase != "finish" or reel is None:
            self._reply(400, _error(100, None, "upload_phase start|finish with a known video_id"))
            return
        if len(reel["bytes"]) != reel.get("size", -1):
            self._reply(400, _error(6000, 1363130, "the video upload is not complete"))
            return
        if params.get("video_state") != "PUBLISHED":
            self._reply(400, _error(100, None, "video_state=PUBLISHED expected here"))
            return
        reel.update(finished=True, description=params.get("description", ""))
        self._reply(200, {"success": True})


@contextmanager
def fake_graph(token: str = "EAAG-test-token") -> Iterator[FakeGraphState]:
    """Run the stand-in on 127.0.0.1 (a free port) for the duration of the block."""
    with serve_locally(_Handler, lambda base_url: FakeGraphState(token=token, base_url=base_url)) as state:
        yield state
