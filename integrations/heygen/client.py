"""A small httpx client for HeyGen's video API (v2 generate, v1 status), with backoff and clear errors.

What we assumed from HeyGen's public API reference (checked against no live account; the local stand-in in
tests/fakes/heygen_server.py speaks exactly this):
- Auth: header `X-Api-Key: <key>`; JSON bodies; base URL https://api.heygen.com.
- `POST /v2/video/generate` with `{"video_inputs": [{"character": {"type": "avatar", "avatar_id", "avatar_style":
  "normal"}, "voice": {"type": "text", "input_text", "voice_id"}, "background": {"type": "color", "value":
  "#RRGGBB"}}, …], "dimension": {"width", "height"}}` → `{"error": null, "data": {"video_id": "…"}}`. Each
  video input is one scene; scenes play in order.
- `GET /v1/video_status.get?video_id=…` → `{"code": 100, "data": {"status": "pending" | "waiting" | "processing"
  | "completed" | "failed", "video_url", "duration", "error": {"message"} | null}}`. `video_url` is a signed,
  expiring URL: download at once.
- Errors: 4xx/5xx with `{"error": {"code", "message"}}`; 401/403 mean a bad key; 429 (rate limit, may carry
  Retry-After) and 5xx are worth retrying with backoff; anything else is the request's fault.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from integrations.http_retry import http_retrying

RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
DONE, FAILED = "completed", "failed"


class HeyGenError(RuntimeError):
    """HeyGen refused or failed a request; the message says what to fix (never contains the key)."""


class HeyGenKeyError(HeyGenError):
    """HeyGen rejected the API key (401/403): retrying cannot help."""


class HeyGenClient:
    """Generate an avatar video, wait for it, download it."""

    def __init__(self, api_key: str, base_url: str = "https://api.heygen.com", *, http: httpx.Client | None = None,
                 attempts: int = 4, backoff_s: float = 2.0, poll_interval_s: float = 5.0, timeout_s: float = 1800,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        """No network yet. `timeout_s` bounds the wait for one video (HeyGen takes minutes per minute of video)."""
        self._key = api_key
        self._http = http or httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0), follow_redirects=True)
        self.base_url = base_url.rstrip("/")
        self.attempts = max(1, attempts)
        self._retrying = http_retrying(attempts=self.attempts, backoff_s=backoff_s, sleep=sleep,
                                       retry_statuses=RETRYABLE)
        self.poll_interval_s = poll_interval_s
        self.timeout_s = timeout_s
        self._sleep = sleep
        self._clock = clock

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """One API call with retries on 429/5xx/transport errors; returns the JSON body."""
        headers = {"X-Api-Key": self._key, "Accept": "application/json"}
        try:
            response: httpx.Response = self._retrying(self._http.request, method, f"{self.base_url}{path}",
                                                      headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise HeyGenError(f"HeyGen unreachable ({type(exc).__name__}) after {self.attempts} tries") from None
        if response.status_code in (401, 403):
            raise HeyGenKeyError(f"HeyGen rejected the API key (HTTP {response.status_code}); check HEYGEN_API_KEY")
        body = _json(response)
        if response.status_code >= 400:
            raise HeyGenError(f"HeyGen {method} {path} failed (HTTP {response.status_code}): "
                              f"{_message(body)}".replace(self._key, "***"))
        return body

    def generate(self, video_inputs: list[dict[str, Any]], width: int, height: int,
                 title: str | None = None) -> str:
        """Start a video; returns its video_id."""
        payload: dict[str, Any] = {"video_inputs": video_inputs, "dimension": {"width": width, "height": height}}
        if title:
            payload["title"] = title
        body = self._request("POST", "/v2/video/generate", json=payload)
        video_id = (body.get("data") or {}).get("video_id")
        if not video_id:
            raise HeyGenError(f"HeyGen accepted the request but sent no video_id: {_message(body)}")
        return str(video_id)

    def status(self, video_id: str) -> dict[str, Any]:
        """The status record of a video (`status`, `video_url`, `duration`, `error`)."""
        return dict(self._request("GET", "/v1/video_status.get", params={"video_id": video_id}).get("data") or {})

    def wait(self, video_id: str) -> str:
        """Poll until the video is completed; returns its video_url (raises on failure or timeout)."""
        deadline = self._clock() + self.timeout_s
        while True:
            data = self.status(video_id)
            state = str(data.get("status", ""))
            if state == DONE and data.get("video_url"):
                return str(data["video_url"])
            if state == FAILED:
                error = data.get("error") or {}
                raise HeyGenError(f"HeyGen could not make video {video_id}: "
                                  f"{error.get('message') or error.get('detail') or 'no reason given'}")
            if self._clock() >= deadline:
                raise HeyGenError(f"HeyGen video {video_id} still '{state}' after {self.timeout_s:.0f} s")
            self._sleep(self.poll_interval_s)

    def download(self, url: str, path: Path) -> Path:
        """Stream the finished video to `path` (temp name, then rename)."""
        tmp = path.with_name(f".{path.name}.part")
        try:
            with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise HeyGenError(f"downloading the HeyGen video failed (HTTP {response.status_code})")
                with tmp.open("wb") as fh:
                    for block in response.iter_bytes(1 << 20):
                        fh.write(block)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"error": {"message": response.text[:200]}}
    return body if isinstance(body, dict) else {"data": body}


def _message(body: dict[str, Any]) -> str:
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or error)
    return str(error or body.get("message") or body)[:300]
