"""A small httpx client for Meta's Graph API (graph.facebook.com) and its resumable upload host (rupload).

Facebook Pages Reels and Instagram Reels share it: the same error envelope (`error.code`, `error_subcode`,
`is_transient`, `fbtrace_id`), the same rate limits (codes 4, 17, 32, 613 and the 80001-80014 business-use-case
family, answered with backoff through tenacity) and the same upload protocol (POST the bytes with
`Authorization: OAuth <token>`, `offset` and `file_size` headers). The token goes in a header, never in a URL,
so it cannot leak into logs or error messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

DEFAULT_BASE = "https://graph.facebook.com"
DEFAULT_VERSION = "v23.0"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TOKEN_CODES = frozenset({190, 102})
TRANSIENT_CODES = frozenset({1, 2})
# Instagram: "the account reached its limit of posts published through the API in 24 h"
PUBLISH_LIMIT_SUBCODES = frozenset({2207042})


class GraphError(RuntimeError):
    """An error answer from the Graph API (or a processing failure), in Meta's terms.

    `retryable` is for the publish sweep: rate limits, transient errors, a full daily publishing limit and "still
    processing" can succeed later; a dead token or a video Meta refused cannot. `fallback` may name another
    publisher (the outbox) that should take the episode instead.
    """

    def __init__(self, code: int | str, message: str = "", *, subcode: int | None = None,
                 http_status: int | None = None, transient: bool = False, trace_id: str = "",
                 platform: str = "Graph API", retryable: bool | None = None) -> None:
        label = f"{platform} error {code}" + (f"/{subcode}" if subcode else "")
        super().__init__(f"{label}: {message}" + (f" (fbtrace_id {trace_id})" if trace_id else ""))
        self.code, self.subcode, self.message, self.http_status = code, subcode, message, http_status
        self.transient, self.trace_id, self._retryable = transient, trace_id, retryable
        self.fallback: str | None = None

    @property
    def rate_limited(self) -> bool:
        """Meta asked us to slow down."""
        return self.code in RATE_LIMIT_CODES or self.http_status == 429

    @property
    def token_expired(self) -> bool:
        """The access token is expired or revoked: a person must reconnect the account."""
        return self.code in TOKEN_CODES

    @property
    def retryable(self) -> bool:
        """True when waiting can fix it."""
        if self._retryable is not None:
            return self._retryable
        if self.token_expired:
            return False
        return (self.rate_limited or self.transient or self.code in TRANSIENT_CODES
                or self.subcode in PUBLISH_LIMIT_SUBCODES or (self.http_status or 0) >= 500
                or self.code == "connection")


def _retry_now(exc: BaseException) -> bool:
    """Back off and retry at once for rate limits, transient errors, 5xx and dropped connections."""
    if isinstance(exc, GraphError):
        return not exc.token_expired and exc.subcode not in PUBLISH_LIMIT_SUBCODES and (
            exc.rate_limited or exc.transient or exc.code in TRANSIENT_CODES or (exc.http_status or 0) >= 500
            or exc.code == "connection")
    return False


class GraphClient:
    """One access token (a Page token, or an Instagram professional account's) → Graph API calls."""

    def __init__(self, access_token: str, *, base_url: str = DEFAULT_BASE, version: str = DEFAULT_VERSION,
                 platform: str = "Graph API", http: httpx.Client | None = None, max_attempts: int = 5,
                 backoff_s: float = 2.0, sleep: Callable[[float], None] = time.sleep, timeout_s: float = 120.0) -> None:
        self._token = access_token
        self.base = f"{base_url.rstrip('/')}/{version}"
        self.platform = platform
        self._http = http or httpx.Client(timeout=timeout_s)
        self._retrying = Retrying(retry=retry_if_exception(_retry_now), stop=stop_after_attempt(max_attempts),
                                  wait=wait_exponential(multiplier=backoff_s, max=300), sleep=sleep, reraise=True)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _error(self, response: httpx.Response) -> GraphError:
        try:
            error = (response.json() or {}).get("error") or {}
        except ValueError:
            error = {}
        return GraphError(error.get("code", f"http_{response.status_code}"),
                          str(error.get("message") or response.text[:200]), subcode=error.get("error_subcode"),
                          http_status=response.status_code, transient=bool(error.get("is_transient")),
                          trace_id=str(error.get("fbtrace_id", "")), platform=self.platform)

    def _once(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise GraphError("connection", type(exc).__name__, platform=self.platform) from None
        if response.status_code >= 400:
            raise self._error(response)
        try:
            payload = response.json()
        except ValueError:
            raise GraphError("bad_response", f"HTTP {response.status_code}: not JSON", platform=self.platform,
                             http_status=response.status_code, retryable=True) from None
        if isinstance(payload, dict) and payload.get("error"):
            raise self._error(response)
        return payload if isinstance(payload, dict) else {"data": payload}

    def call(self, method: str, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One Graph call (form-encoded for POST) with backoff; raises GraphError."""
        url = f"{self.base}/{path.lstrip('/')}"
        headers = {"Authorization": f"Bearer {self._token}"}
        data = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
            with attempt:
                if method == "GET":
                    return self._once("GET", url, params=data, headers=headers)
                return self._once(method, url, data=data, headers=headers)
        raise AssertionError("unreachable")

    def upload(self, upload_url: str, path: Path, offset: int = 0) -> dict[str, Any]:
        """Send the file (from `offset`) to an rupload URL with Meta's resumable headers."""
        size = path.stat().st_size
        with open(path, "rb") as handle:
            handle.seek(offset)
            body = handle.read()
        headers = {"Authorization": f"OAuth {self._token}", "offset": str(offset), "file_size": str(size),
                   "Content-Type": "application/octet-stream"}
        for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
            with attempt:
                return self._once("POST", upload_url, content=body, headers=headers)
        raise AssertionError("unreachable")


def insight_values(payload: dict[str, Any]) -> dict[str, float]:
    """{"data": [{"name": "views", "values": [{"value": 12}]}, …]} → {"views": 12.0, …} (lifetime values)."""
    found: dict[str, float] = {}
    for metric in payload.get("data") or []:
        values = metric.get("values") or [{}]
        value = values[-1].get("value", metric.get("total_value", {}).get("value"))
        if isinstance(value, (int, float)):
            found[str(metric.get("name"))] = float(value)
    return found
