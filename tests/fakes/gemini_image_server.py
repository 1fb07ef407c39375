"""A local stand-in for Gemini's image model (keyframes), speaking the REST shape google-genai sends.

`POST /{v1beta|v1}/models/{model}:generateContent` (Developer API, `x-goog-api-key`) and
`POST /{v1beta1|v1}/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent` (Vertex mode,
`Authorization: Bearer …`). With `generationConfig.responseModalities` containing IMAGE it "generates" a 9:16 PNG:
the first `inlineData` image of the request (the character's locked reference) is pasted over the second (the
location), so a face-identity check finds the same person; a request without references (a location plate) gets
a plain backdrop in `backdrop` colour with a darker floor — unless a fault is queued:

- ``"429"``: HTTP 429 RESOURCE_EXHAUSTED (the client must back off and retry);
- ``"safety"``: HTTP 200 with no image, ``finishReason: IMAGE_SAFETY`` and a ``finishMessage`` (the reason);
- ``"wrong_person"``: the image shows `wrong_face` (another person) instead of the reference;
- ``"no_face"``: the image shows the location only;
- ``"500"``: HTTP 500 INTERNAL.

Faults are consumed one per image request, in order. Every request is recorded. Stdlib + Pillow; one server per test.
Subclasses add routes with `extra_route` (the Veo stand-in serves both on one base URL, as Vertex does).
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from PIL import Image, ImageDraw

from tests.fakes.gemini_server import read_json, send

DEVELOPER = re.compile(r"^/(?:v1beta|v1|v1alpha)/models/(?P<model>[^:/]+):generateContent$")
VERTEX = re.compile(r"^/(?:v1beta1|v1)/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/publishers/google/"
                    r"models/(?P<model>[^:/]+):generateContent$")
USAGE = {"promptTokenCount": 300, "candidatesTokenCount": 1290, "totalTokenCount": 1590}


@dataclass
class Recorded:
    """One request as the client sent it."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def images(self) -> list[bytes]:
        """The inlineData images of a generateContent request, in order."""
        found = []
        for content in self.body.get("contents", []):
            for part in content.get("parts", []):
                data = part.get("inlineData") or part.get("inline_data")
                if data and str(data.get("mimeType", data.get("mime_type", ""))).startswith("image/"):
                    found.append(b64decode(data["data"]))
        return found

    @property
    def text(self) -> str:
        """All text parts joined (the prompt)."""
        return "\n".join(p["text"] for c in self.body.get("contents", []) for p in c.get("parts", []) if "text" in p)


Response = tuple[int, bytes, str]


def json_response(status: int, payload: dict[str, Any]) -> Response:
    """(status, body, content type) for a JSON answer."""
    return status, json.dumps(payload).encode(), "application/json; charset=UTF-8"


def google_error(status: int, message: str, name: str) -> Response:
    """Google's error envelope."""
    return json_response(status, {"error": {"code": status, "message": message, "status": name}})


class FakeGeminiImages:
    """The image stand-in. Use as a context manager; queue faults with `fail_next`."""

    def __init__(self, api_key: str = "test-key", token: str = "test-token", size: tuple[int, int] = (576, 1024),
                 wrong_face: bytes | None = None, backdrop: tuple[int, int, int] = (40, 36, 60)) -> None:
        """Bind to a free port on 127.0.0.1 (not started yet). `wrong_face`: the other person's photo (PNG/JPEG);
        `backdrop`: the colour of an image asked for without references (a location plate), so a test can find it
        in a rendered frame."""
        self.api_key = api_key
        self.backdrop = backdrop
        self.token = token
        self.size = size
        self.wrong_face = wrong_face
        self.faults: deque[str] = deque()
        self.requests: list[Recorded] = []
        self.images_served = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)

    @property
    def base_url(self) -> str:
        """What to pass as HttpOptions(base_url=...)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def fail_next(self, *faults: str) -> Self:
        """Queue faults for the next image requests, one each (see the module docstring)."""
        with self._lock:
            self.faults.extend(faults)
        return self

    def requests_to(self, fragment: str) -> list[Recorded]:
        """Recorded requests whose path contains `fragment` (e.g. ':generateContent')."""
        with self._lock:
            return [r for r in self.requests if fragment in r.path]

    # -- behaviour ----------------------------------------------------------------------------------------------
    def authorised(self, path: str, headers: dict[str, str]) -> bool:
        """Vertex paths need the bearer token, Developer paths the API key (like Google)."""
        if "/projects/" in path or path.startswith("/files/"):  # Vertex and its storage: OAuth
            return headers.get("authorization") == f"Bearer {self.token}"
        return headers.get("x-goog-api-key") == self.api_key

    def take_fault(self, allowed: tuple[str, ...], queue: deque[str] | None = None) -> str | None:
        """The next queued fault (of `queue`, default the image faults) if it belongs to this kind of request."""
        queue = self.faults if queue is None else queue
        with self._lock:
            if queue and queue[0] in allowed:
                return queue.popleft()
        return None

    def compose(self, face: bytes | None, location: bytes | None, size: tuple[int, int]) -> bytes:
        """A 9:16 frame: the location (or a plain backdrop) with the face photo pasted large in the upper middle."""
        width, height = size
        if location:
            with Image.open(io.BytesIO(location)) as loc:
                backdrop = loc.convert("RGB")
            scale = max(width / backdrop.width, height / backdrop.height)
            backdrop = backdrop.resize((round(backdrop.width * scale) + 1, round(backdrop.height * scale) + 1))
            left, top = (backdrop.width - width) // 2, (backdrop.height - height) // 2
            frame = backdrop.crop((left, top, left + width, top + height))
        else:
            frame = Image.new("RGB", size, self.backdrop)
            ImageDraw.Draw(frame).rectangle((0, height * 2 // 3, width, height), fill=(70, 60, 50))
        if face:
            with Image.open(io.BytesIO(face)) as opened:
                person = opened.convert("RGB")
            side = round(width * 0.8)
            person = person.resize((side, round(person.height * side / person.width)))
            frame.paste(person, ((width - side) // 2, height // 6))
        out = io.BytesIO()
        frame.save(out, format="PNG", compress_level=1)
        return out.getvalue()

    def generate_content(self, request: Recorded) -> Response:
        """Answer one generateContent call (an image when IMAGE is among the response modalities)."""
        config = request.body.get("generationConfig") or {}
        modalities = [m.upper() for m in config.get("responseModalities", [])]
        if "IMAGE" not in modalities:
            return json_response(200, _candidate([{"text": "fake image model: ask for IMAGE"}]))
        fault = self.take_fault(("429", "500", "safety", "wrong_person", "no_face"))
        if fault == "429":
            return google_error(429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED")
        if fault == "500":
            return google_error(500, "Internal error encountered.", "INTERNAL")
        if fault == "safety":
            return json_response(200, {"candidates": [{"finishReason": "IMAGE_SAFETY", "index": 0,
                                                       "finishMessage": "The image was blocked: it may depict a "
                                                                        "real public figure."}],
                                       "usageMetadata": USAGE})
        images = request.images
        face = images[0] if images else None
        location = images[1] if len(images) > 1 else None
        if fault == "wrong_person":
            face = self.wrong_face
        elif fault == "no_face":
            face = None
        png = self.compose(face, location, self.size)
        with self._lock:
            self.images_served += 1
        parts = [{"text": "Here is the keyframe."},
                 {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png).decode()}}]
        return json_response(200, _candidate(parts))

    def route(self, method: str, path: str, request: Recorded) -> Response | None:
        """The answer for a request, or None for 404. Subclasses extend `extra_route`."""
        if method == "POST" and (DEVELOPER.match(path) or VERTEX.match(path)):
            return self.generate_content(request)
        return self.extra_route(method, path, request)

    def extra_route(self, method: str, path: str, request: Recorded) -> Response | None:
        """Hook for subclasses (no extra routes here)."""
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `fake.requests`."""

            def _handle(self, method: str) -> None:
                path = self.path.partition("?")[0]
                body = read_json(self)
                if body is None:
                    send(self, *google_error(400, "invalid JSON", "INVALID_ARGUMENT"))
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Recorded(method, path, headers, body)
                with fake._lock:
                    fake.requests.append(request)
                if not fake.authorised(path, headers):
                    send(self, *google_error(401, "Request had invalid authentication credentials.",
                                             "UNAUTHENTICATED"))
                    return
                answer = fake.route(method, path, request)
                if answer is None:
                    answer = google_error(404, f"no route {path}", "NOT_FOUND")
                send(self, *answer)

            def do_POST(self) -> None:
                self._handle("POST")

            def do_GET(self) -> None:
                self._handle("GET")

        return Handler


def b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not (google-genai sends URL-safe without padding)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _candidate(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": USAGE, "modelVersion": "fake-gemini-image"}
