"""A local stand-in for Veo on Vertex AI: start a long-running operation, poll it, download the video.

Routes (google-genai 3.6 in Vertex mode, `Authorization: Bearer …`), on the same base URL as the image stand-in it
extends (Vertex serves both):

- `POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:predictLongRunning`
  (`instances[0].prompt/.image/.referenceImages`, `parameters.durationSeconds/aspectRatio/…`) →
  `{"name": "projects/…/models/{model}/operations/{id}"}`;
- `POST …/models/{model}:fetchPredictOperation` `{"operationName": …}` (what the SDK's `operations.get` sends), and
  `GET /v1beta1/{operation name}` (the plain REST poll) → `{"name", "done", "response"|"error"}`;
- `GET /files/{id}.mp4` → the MP4, when the operation answered with a URI (`deliver="uri"`) instead of inline
  `bytesBase64Encoded` (what Vertex returns without a storage URI).

The clip is a real H.264 MP4 (ffmpeg from imageio-ffmpeg) made of the request's input image with a slow push-in, so
face checks on sampled frames find whoever the keyframe shows. Faults (queued with `fail_veo`), one per started operation, in order:
``"429"`` (start refused), ``"op_error"`` (done with an error), ``"safety"`` (done, no video,
raiMediaFilteredReasons), ``"never_done"`` (never finishes: the client's timeout), ``"wrong_person"`` /
``"no_face"`` (the clip shows another person / nobody).
"""

from __future__ import annotations

import base64
import itertools
import re
import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from tests.fakes.gemini_image_server import (
    FakeGeminiImages,
    Recorded,
    Response,
    b64decode,
    google_error,
    json_response,
)

MODEL = r"/(?:v1beta1|v1)/(?P<resource>projects/[^/]+/locations/[^/]+/publishers/google/models/[^:/]+)"
START = re.compile(MODEL + r":predictLongRunning$")
FETCH = re.compile(MODEL + r":fetchPredictOperation$")
GET_OP = re.compile(r"^/(?:v1beta1|v1)/(?P<name>projects/.+/operations/[^/]+)$")
FILE = re.compile(r"^/files/(?P<id>[\w-]+)\.mp4$")


@dataclass
class Operation:
    """One started generation and what it will answer."""

    name: str
    request: dict[str, Any]
    fault: str | None
    polls: int = 0
    video: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class FakeVeo(FakeGeminiImages):
    """Images + Veo on one base URL. `polls_until_done`: how many polls an operation answers done=false first."""

    def __init__(self, *args: Any, polls_until_done: int = 1, deliver: str = "inline",
                 clip_size: tuple[int, int] = (360, 640), clip_fps: int = 12, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.polls_until_done = polls_until_done
        self.deliver = deliver
        self.clip_size = clip_size
        self.clip_fps = clip_fps
        self.operations: dict[str, Operation] = {}
        self.veo_faults: deque[str] = deque()
        self._ids = itertools.count(1)

    def fail_veo(self, *faults: str) -> FakeVeo:
        """Queue faults for the next started operations, one each (image faults queue with `fail_next`)."""
        with self._lock:
            self.veo_faults.extend(faults)
        return self

    @property
    def started(self) -> list[Operation]:
        """Operations started so far, in order."""
        with self._lock:
            return list(self.operations.values())

    def extra_route(self, method: str, path: str, request: Recorded) -> Response | None:
        if method == "POST" and (match := START.match(path)):
            return self._start(match["resource"], request.body)
        if method == "POST" and FETCH.match(path):
            return self._poll(str(request.body.get("operationName", "")))
        if method == "GET" and (match := GET_OP.match(path)):
            return self._poll(match["name"])
        if method == "GET" and (match := FILE.match(path)):
            op = self.operations.get(match["id"])
            if op is None or op.video is None:
                return google_error(404, "no such file", "NOT_FOUND")
            return 200, op.video, "video/mp4"
        return None

    def _start(self, resource: str, body: dict[str, Any]) -> Response:
        instances = body.get("instances") or [{}]
        seconds = (body.get("parameters") or {}).get("durationSeconds", 8)
        if not isinstance(seconds, int) or not 1 <= seconds <= 8:
            return google_error(400, f"durationSeconds must be 4–8 (got {seconds!r})", "INVALID_ARGUMENT")
        if not instances[0].get("prompt") and not instances[0].get("image"):
            return google_error(400, "a prompt or an image is required", "INVALID_ARGUMENT")
        fault = self.take_fault(("429", "op_error", "safety", "never_done", "wrong_person", "no_face"),
                                self.veo_faults)
        if fault == "429":
            return google_error(429, "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests.",
                                "RESOURCE_EXHAUSTED")
        op_id = f"op-{next(self._ids)}"
        name = f"{resource}/operations/{op_id}"
        with self._lock:
            self.operations[op_id] = Operation(name=name, request=body, fault=fault)
        return json_response(200, {"name": name})

    def _poll(self, name: str) -> Response:
        op = self.operations.get(name.rsplit("/", 1)[-1])
        if op is None or op.name != name:
            return google_error(404, f"operation {name} not found", "NOT_FOUND")
        with self._lock:
            op.polls += 1
            ready = op.polls > self.polls_until_done and op.fault != "never_done"
        if not ready:
            return json_response(200, {"name": name, "done": False, "metadata": {"progressPercent": 50}})
        if op.fault == "op_error":
            return json_response(200, {"name": name, "done": True,
                                       "error": {"code": 13, "message": "Video generation failed on the server."}})
        kind = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
        if op.fault == "safety":
            return json_response(200, {"name": name, "done": True, "response": {
                "@type": kind, "raiMediaFilteredCount": 1,
                "raiMediaFilteredReasons": ["The video was filtered: it could depict a child (support code 58061214)."],
                "videos": []}})
        if op.video is None:
            op.video = self._clip(op)
        if self.deliver == "uri":
            video = {"gcsUri": f"{self.base_url}/files/{name.rsplit('/', 1)[-1]}.mp4", "mimeType": "video/mp4"}
        else:
            video = {"bytesBase64Encoded": base64.b64encode(op.video).decode(), "mimeType": "video/mp4"}
        return json_response(200, {"name": name, "done": True, "response": {"@type": kind, "videos": [video]}})

    def _clip(self, op: Operation) -> bytes:
        """An MP4 of the input image (or another person / an empty set) with a slow push-in, durationSeconds long."""
        instance = (op.request.get("instances") or [{}])[0]
        seconds = int((op.request.get("parameters") or {}).get("durationSeconds", 8))
        image = instance.get("image") or {}
        picture = b64decode(image["bytesBase64Encoded"]) if image.get("bytesBase64Encoded") else None
        if op.fault == "wrong_person":
            picture = self.compose(self.wrong_face, None, self.size)
        elif op.fault == "no_face" or picture is None:
            picture = self.compose(None, None, self.size)
        width, height = self.clip_size
        with tempfile.TemporaryDirectory(prefix="fake-veo-") as tmp:
            still, out = Path(tmp) / "in.png", Path(tmp) / "out.mp4"
            still.write_bytes(picture)
            frames = seconds * self.clip_fps
            zoom = f"zoompan=z='1+0.05*on/{frames}':d={frames}:s={width}x{height}:fps={self.clip_fps}"
            subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-nostdin",
                            "-i", str(still), "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
                            "-filter_complex", f"[0:v]scale={width * 2}:{height * 2},{zoom},format=yuv420p[v]",
                            "-map", "[v]", "-map", "1:a", "-t", str(seconds), "-c:v", "libx264",
                            "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(out)],
                           check=True, capture_output=True, timeout=120)
            return out.read_bytes()
