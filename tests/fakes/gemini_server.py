"""A local stand-in for the Gemini REST API, so tests run the real google-genai / langchain client code.

Speaks `POST /{v1beta|v1}/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`, checks the
`x-goog-api-key` header like Google does (400 API_KEY_INVALID), and answers from a script the test programs:
texts, JSON, functionCall parts, or HTTP errors, in order. Every request is recorded (path, headers, JSON body) so
a test can assert which prompt and which responseJsonSchema were sent. A tool-calling loop is several requests: the
model's functionCall parts come back in the next request's contents, followed by the functionResponse parts the
client's tools answered (`RecordedRequest.function_calls` / `function_responses`). Stdlib only; one server per test.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

PATH = re.compile(r"^/(?P<version>v1beta|v1|v1alpha)/models/(?P<model>[^:/]+):(?P<method>generateContent|"
                  r"streamGenerateContent)$")
USAGE = {"promptTokenCount": 10, "candidatesTokenCount": 20, "totalTokenCount": 30}


@dataclass
class Reply:
    """One scripted answer: model parts with HTTP 200, or an HTTP error with Google's error body."""

    status: int = 200
    parts: list[dict[str, Any]] = field(default_factory=list)
    error_status: str = ""
    error_message: str = ""
    error_reason: str | None = None
    finish_reason: str = "STOP"

    def body(self) -> dict[str, Any]:
        """The JSON body Google would send for this reply."""
        if self.status != 200:
            error: dict[str, Any] = {"code": self.status, "message": self.error_message, "status": self.error_status}
            if self.error_reason:
                error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": self.error_reason,
                                     "domain": "googleapis.com",
                                     "metadata": {"service": "generativelanguage.googleapis.com"}}]
            return {"error": error}
        return {"candidates": [{"content": {"role": "model", "parts": self.parts}, "finishReason": self.finish_reason,
                                "index": 0}],
                "usageMetadata": USAGE, "modelVersion": "fake-gemini"}


@dataclass
class RecordedRequest:
    """What the client sent."""

    version: str
    model: str
    method: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt_text(self) -> str:
        """All text parts of all contents (and the system instruction), joined: what the model was asked."""
        texts = []
        system = self.body.get("systemInstruction") or self.body.get("system_instruction") or {}
        texts += [p.get("text", "") for p in system.get("parts", [])]
        for content in self.body.get("contents", []):
            texts += [p.get("text", "") for p in content.get("parts", []) if "text" in p]
        return "\n".join(texts)

    @property
    def last_user_text(self) -> str:
        """The text of the last user turn that has text (the message being understood; later user turns of a
        tool-calling loop carry only functionResponse parts)."""
        users = [c for c in self.body.get("contents", []) if c.get("role") == "user"
                 and any("text" in p for p in c.get("parts", []))]
        return "".join(p.get("text", "") for p in users[-1].get("parts", [])) if users else ""

    @property
    def function_calls(self) -> list[dict[str, Any]]:
        """Every functionCall part the conversation sent back (the model's earlier calls), in order."""
        return [p["functionCall"] for c in self.body.get("contents", []) for p in c.get("parts", [])
                if "functionCall" in p]

    @property
    def function_responses(self) -> list[dict[str, Any]]:
        """The functionResponse parts of the latest turn (what the tools answered the model's last calls)."""
        contents = self.body.get("contents", [])
        last = contents[-1] if contents else {}
        return [p["functionResponse"] for p in last.get("parts", []) if "functionResponse" in p]

    @property
    def history_texts(self) -> list[str]:
        """The text of every content sent (user and model turns, no system instruction), oldest first."""
        return ["".join(p.get("text", "") for p in c.get("parts", [])) for c in self.body.get("contents", [])
                if any("text" in p for p in c.get("parts", []))]

    @property
    def tool_names(self) -> list[str]:
        """The function declarations the request offered, by name."""
        return [d.get("name", "") for tool in self.body.get("tools", [])
                for d in tool.get("functionDeclarations", tool.get("function_declarations", []))]

    @property
    def generation_config(self) -> dict[str, Any]:
        """The request's generationConfig (responseMimeType, responseJsonSchema, …)."""
        return self.body.get("generationConfig") or self.body.get("generation_config") or {}


class FakeGemini:
    """The stand-in server. Use as a context manager; program replies with the `reply_*` methods."""

    def __init__(self, api_key: str = "test-key") -> None:
        """Bind to a free port on 127.0.0.1 (not started yet)."""
        self.api_key = api_key
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self.requests: list[RecordedRequest] = []
        self._responder: Callable[[RecordedRequest], Reply] | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-gemini", daemon=True)

    @property
    def base_url(self) -> str:
        """What to pass as ChatGoogleGenerativeAI(base_url=...)."""
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
        """Start on entry."""
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stop on exit."""
        self.stop()

    # -- programming the script -------------------------------------------------------------------------------
    def reply(self, reply: Reply) -> FakeGemini:
        """Queue any reply."""
        with self._lock:
            self._script.append(reply)
        return self

    def reply_text(self, *texts: str) -> FakeGemini:
        """Queue one 200 reply per text (a structured-output reply is JSON in a text part)."""
        for text in texts:
            self.reply(Reply(parts=[{"text": text}]))
        return self

    def reply_json(self, *values: Any) -> FakeGemini:
        """Queue one 200 reply per value, serialised as JSON text."""
        return self.reply_text(*(json.dumps(v) for v in values))

    def reply_function_call(self, name: str, args: dict[str, Any]) -> FakeGemini:
        """Queue a tool call."""
        return self.reply(Reply(parts=[{"functionCall": {"name": name, "args": args}}]))

    def reply_function_calls(self, *calls: tuple[str, dict[str, Any]]) -> FakeGemini:
        """Queue one reply carrying several tool calls (one functionCall part each), as Gemini sends them."""
        return self.reply(Reply(parts=[{"functionCall": {"name": n, "args": a}} for n, a in calls]))

    def respond_with(self, responder: Callable[[RecordedRequest], Reply]) -> FakeGemini:
        """Answer every request the script does not cover by calling `responder` (a deterministic stand-in model)."""
        self._responder = responder
        return self

    def reply_audio(self, pcm: bytes, rate: int = 24000) -> FakeGemini:
        """Queue a TTS reply: raw 16-bit mono PCM as Gemini sends it (inlineData audio/L16, base64)."""
        part = {"inlineData": {"mimeType": f"audio/L16;codec=pcm;rate={rate}",
                               "data": base64.b64encode(pcm).decode()}}
        return self.reply(Reply(parts=[part]))

    def reply_error(self, status: int, message: str = "scripted error", status_name: str = "",
                    reason: str | None = None) -> FakeGemini:
        """Queue an HTTP error (e.g. 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE)."""
        names = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                 503: "UNAVAILABLE"}
        return self.reply(Reply(status=status, error_message=message, error_status=status_name or names.get(status, ""),
                                error_reason=reason))

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._script)

    # -- serving ----------------------------------------------------------------------------------------------
    def _next(self, request: RecordedRequest) -> Reply:
        """Record the request and take the next scripted reply (a 500 saying so when the script is empty)."""
        with self._lock:
            self.requests.append(request)
            if request.headers.get("x-goog-api-key") != self.api_key:
                return Reply(status=400, error_status="INVALID_ARGUMENT", error_reason="API_KEY_INVALID",
                             error_message="API key not valid. Please pass a valid API key.")
            if not self._script and self._responder is not None:
                return self._responder(request)
            if not self._script:
                return Reply(status=500, error_status="INTERNAL", error_message="fake Gemini: no scripted reply left")
            return self._script.popleft()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """A handler class bound to this server instance (no module-level state)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """Parses one request, asks the fake for the reply, writes JSON or SSE."""

            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `fake.requests` instead of stderr."""

            def do_POST(self) -> None:
                """Route generateContent / streamGenerateContent; 404 anything else."""
                path, _, query = self.path.partition("?")
                body = read_json(self)
                match = PATH.match(path)
                if not match:
                    self._send(404, {"error": {"code": 404, "message": f"no route {path}", "status": "NOT_FOUND"}})
                    return
                if body is None:
                    self._send(400, {"error": {"code": 400, "message": "invalid JSON", "status": "INVALID_ARGUMENT"}})
                    return
                request = RecordedRequest(version=match["version"], model=match["model"], method=match["method"],
                                          query=query, headers={k.lower(): v for k, v in self.headers.items()},
                                          body=body)
                reply = fake._next(request)
                if reply.status == 200 and match["method"] == "streamGenerateContent":
                    send(self, 200, f"data: {json.dumps(reply.body())}\r\n\r\n".encode(), "text/event-stream")
                else:
                    self._send(reply.status, reply.body())

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                send(self, status, json.dumps(payload).encode(), "application/json; charset=UTF-8")

        return Handler


def read_json(handler: BaseHTTPRequestHandler) -> Any | None:
    """The request's JSON body ({} when empty), or None when it is not JSON. Always reads the whole body, so a
    keep-alive connection stays in step whatever the answer. Shared by the Gemini stand-ins."""
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    try:
        return json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return None


def send(handler: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str) -> None:
    """Write one complete HTTP/1.1 response (status, type, length, body)."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def tone_pcm(seconds: float, rate: int = 24000, frequency: float = 220.0, amplitude: float = 0.3) -> bytes:
    """A sine tone as raw little-endian 16-bit mono PCM: stands in for speech in TTS replies."""
    n = round(seconds * rate)
    return struct.pack(f"<{n}h", *(round(amplitude * 32767 * math.sin(2 * math.pi * frequency * i / rate))
                                   for i in range(n)))
