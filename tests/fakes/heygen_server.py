"""A local stand-in for HeyGen's video API (v2 generate, v1 status, the signed download URL).

Speaks what integrations/heygen/client.py documents: checks `X-Api-Key` (401 otherwise), records every request
(method, path, query, headers, JSON body), answers `POST /v2/video/generate` with a video_id, reports the video
"processing" for `polls_before_done` status calls and then "completed" with a `video_url` on this server, and
serves an MP4 made once with the bundled ffmpeg (lavfi testsrc picture + a sine tone, 1080×1080) whose length
follows the words it was asked to speak. Failures can be scripted: HTTP errors for the next N generate calls, or
a "failed" status. Stdlib only; one server per test.
"""

from __future__ import annotations

import json
import subprocess
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

import imageio_ffmpeg

WORDS_PER_SECOND = 2.5


def make_clip(path: Path, seconds: float, size: int = 1080, fps: int = 30, picture: Path | None = None) -> Path:
    """A small H.264/AAC MP4 with a 330 Hz tone: testsrc, or a still `picture` (an avatar made from a photo)."""
    if picture is None:
        video, scale = ["-f", "lavfi", "-i", f"testsrc=size={size}x{size}:rate={fps}:duration={seconds:.3f}"], []
    else:
        video = ["-loop", "1", "-framerate", str(fps), "-t", f"{seconds:.3f}", "-i", str(picture)]
        scale = ["-vf", f"scale={size}:{size}:force_original_aspect_ratio=increase,crop={size}:{size}"]
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *video, "-f", "lavfi", "-i",
                    f"sine=frequency=330:duration={seconds:.3f}:sample_rate=48000", *scale, "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                   check=True)
    return path


@dataclass
class HeyGenRequest:
    """What the client sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]


class FakeHeyGen:
    """The stand-in server; use as a context manager."""

    def __init__(self, workdir: Path, api_key: str = "hg-test-key", polls_before_done: int = 1,
                 picture: Path | None = None) -> None:
        """Bind to a free port on 127.0.0.1; clips (testsrc, or `picture` held still) are written under `workdir`."""
        self.api_key = api_key
        self.picture = picture
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.polls_before_done = polls_before_done
        self.requests: list[HeyGenRequest] = []
        self.videos: dict[str, dict[str, Any]] = {}
        self._errors: deque[int] = deque()
        self.fail_next_video: str | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-heygen", daemon=True)

    @property
    def base_url(self) -> str:
        """What to pass as HEYGEN_BASE_URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        """Start serving."""
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stop and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def error_next(self, *statuses: int) -> FakeHeyGen:
        """The next generate calls answer these HTTP statuses (e.g. 429, 503) before succeeding."""
        self._errors.extend(statuses)
        return self

    def generate_bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of every accepted or refused generate call."""
        return [r.body for r in self.requests if r.path == "/v2/video/generate"]

    # -- behaviour --------------------------------------------------------------------------------------------
    def _generate(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self._errors:
            status = self._errors.popleft()
            return status, {"error": {"code": "rate_limit" if status == 429 else "server_error",
                                      "message": f"scripted {status}"}, "data": None}
        inputs = body.get("video_inputs") or []
        dimension = body.get("dimension") or {}
        if not inputs or not dimension.get("width"):
            return 400, {"error": {"code": "invalid_parameter", "message": "video_inputs and dimension required"}}
        words = sum(len(str(i.get("voice", {}).get("input_text", "")).split()) for i in inputs)
        video_id = uuid.uuid4().hex
        self.videos[video_id] = {"seconds": max(1.0, round(words / WORDS_PER_SECOND, 2)), "polls": 0}
        return 200, {"error": None, "data": {"video_id": video_id}}

    def _status(self, video_id: str) -> tuple[int, dict[str, Any]]:
        video = self.videos.get(video_id)
        if video is None:
            return 404, {"code": 40004, "message": "video not found", "data": None}
        video["polls"] += 1
        if self.fail_next_video is not None:
            message, self.fail_next_video = self.fail_next_video, None
            return 200, {"code": 100, "data": {"id": video_id, "status": "failed", "video_url": None,
                                               "error": {"code": 40001, "message": message}}}
        if video["polls"] <= self.polls_before_done:
            return 200, {"code": 100, "data": {"id": video_id, "status": "processing", "video_url": None,
                                               "error": None}}
        path = self.workdir / f"{video_id}.mp4"
        if not path.exists():
            make_clip(path, video["seconds"], picture=self.picture)
        return 200, {"code": 100, "data": {"id": video_id, "status": "completed", "duration": video["seconds"],
                                           "video_url": f"{self.base_url}/files/{video_id}.mp4?sig=x",
                                           "error": None}}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """Routes the three endpoints; 404 anything else."""

            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `fake.requests`."""

            def _record(self, body: dict[str, Any]) -> HeyGenRequest:
                url = urlparse(self.path)
                request = HeyGenRequest(self.command, url.path, parse_qs(url.query),
                                        {k.lower(): v for k, v in self.headers.items()}, body)
                with fake._lock:
                    fake.requests.append(request)
                return request

            def do_GET(self) -> None:
                """Status polls and file downloads."""
                request = self._record({})
                if request.path.startswith("/files/"):
                    path = fake.workdir / Path(request.path).name
                    if not path.is_file():
                        self._send(404, {"error": {"message": "no such file"}})
                        return
                    data = path.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", "video/mp4")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if not self._authorised(request):
                    return
                if request.path == "/v1/video_status.get":
                    with fake._lock:
                        status, payload = fake._status((request.query.get("video_id") or [""])[0])
                    self._send(status, payload)
                    return
                self._send(404, {"error": {"message": f"no route {request.path}"}})

            def do_POST(self) -> None:
                """Video generation."""
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = {}
                request = self._record(body)
                if not self._authorised(request):
                    return
                if request.path == "/v2/video/generate":
                    with fake._lock:
                        status, payload = fake._generate(body)
                    self._send(status, payload)
                    return
                self._send(404, {"error": {"message": f"no route {request.path}"}})

            def _authorised(self, request: HeyGenRequest) -> bool:
                if request.headers.get("x-api-key") == fake.api_key:
                    return True
                self._send(401, {"error": {"code": "unauthorized", "message": "Unauthorized"}})
                return False

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
