"""The LinkedIn publisher: one PublishPackage → one video post on a Page (or a member's feed), exactly once per key.

Videos API: `POST /rest/videos?action=initializeUpload` → PUT each part to its upload URL (keep the ETags) →
`finalizeUpload` with the ETags → poll `GET /rest/videos/{urn}` until AVAILABLE (or PROCESSING_FAILED) → `POST
/rest/posts` referencing the video. Every call carries `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`.
Progress lives in the publication ledger row: the video URN before any byte goes up, each part's ETag as it lands,
"posting" before the post call — so a crash after the post was made is resumed by finding it (posts by author)
instead of posting twice. 429 and 5xx back off with tenacity; an expired token or a failed video is reported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from agent.ports import PublishPackage, PublishResult
from integrations.facebook.captions import reel_caption
from integrations.linkedin.settings import LinkedInSettings
from integrations.tiktok.state import PublishState, Resumable, default_state

COMMENTARY_LIMIT = 3000
TOKEN_CODES = frozenset({65600, 65601, 65602})  # invalid, revoked, expired access token
LITTLE_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")  # LinkedIn's "little" text format


class LinkedInError(RuntimeError):
    """An error answer from LinkedIn (HTTP status, serviceErrorCode, message) or a video that failed processing."""

    def __init__(self, code: int | str, message: str = "", *, http_status: int | None = None,
                 retryable: bool | None = None) -> None:
        super().__init__(f"LinkedIn {code}: {message}" if message else f"LinkedIn {code}")
        self.code, self.message, self.http_status, self._retryable = code, message, http_status, retryable
        self.fallback: str | None = None

    @property
    def token_expired(self) -> bool:
        """The token is invalid, revoked or expired: a person must reconnect the account."""
        return self.code in TOKEN_CODES or self.http_status == 401

    @property
    def retryable(self) -> bool:
        """Rate limits, 5xx, dropped connections and "still processing" can succeed later."""
        if self._retryable is not None:
            return self._retryable
        return not self.token_expired and (self.http_status == 429 or (self.http_status or 0) >= 500
                                           or self.code == "connection")


def _retry_now(exc: BaseException) -> bool:
    return isinstance(exc, LinkedInError) and exc.retryable and exc.code != "still_processing"


def little_text(text: str) -> str:
    """Escape LinkedIn's reserved characters so captions post as written (hashtags become plain text)."""
    return LITTLE_RESERVED.sub(r"\\\1", text)


class LinkedInClient:
    """One access token → the REST calls the publisher needs."""

    def __init__(self, access_token: str, *, base_url: str = "https://api.linkedin.com", version: str = "202611",
                 http: httpx.Client | None = None, max_attempts: int = 5, backoff_s: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._token, self.base, self.version = access_token, base_url.rstrip("/"), version
        self._http = http or httpx.Client(timeout=120.0)
        self._retrying = Retrying(retry=retry_if_exception(_retry_now), stop=stop_after_attempt(max_attempts),
                                  wait=wait_exponential(multiplier=backoff_s, max=300), sleep=sleep, reraise=True)

    def _once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise LinkedInError("connection", type(exc).__name__) from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise LinkedInError(body.get("serviceErrorCode") or body.get("code") or f"http_{response.status_code}",
                                str(body.get("message") or response.text[:200]), http_status=response.status_code)
        return response

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A REST call with LinkedIn's headers and backoff."""
        headers = {"Authorization": f"Bearer {self._token}", "LinkedIn-Version": self.version,
                   "X-Restli-Protocol-Version": "2.0.0"}
        for attempt in self._retrying.copy():  # a fresh state per call (thread-safe)
            with attempt:
                return self._once(method, f"{self.base}{path}", headers=headers, **kwargs)
        raise AssertionError("unreachable")

    def put_part(self, url: str, data: bytes) -> str:
        """Upload one part to its pre-signed URL; returns the ETag finalizeUpload needs."""
        for attempt in self._retrying.copy():
            with attempt:
                response = self._once("PUT", url, content=data,
                                      headers={"Content-Type": "application/octet-stream"})
                etag = response.headers.get("etag")
                if not etag:
                    raise LinkedInError("no_etag", "the upload answered without an ETag", retryable=True,
                                        http_status=response.status_code)
                return etag
        raise AssertionError("unreachable")


class LinkedInPublisher(Resumable):
    """Publishes episodes as native video posts (LinkedIn has no series: captions start with "Part N/M")."""

    name = "linkedin"

    def __init__(self, client: LinkedInClient, author: str, state: PublishState, **polling: Any) -> None:
        """`polling`: poll_interval_s, poll_timeout_s, sleep (see Resumable)."""
        super().__init__(state, **polling)
        self.client, self.author = client, author

    def limits(self) -> dict[str, Any]:
        """What preflight plans around (LinkedIn publishes no daily post quota for the API)."""
        return {"platform": "linkedin", "max_duration_s": 1800, "min_duration_s": 3, "aspect": "9:16",
                "caption_limit": COMMENTARY_LIMIT, "series": None, "ai_label_field": None}

    def publish(self, package: PublishPackage) -> PublishResult:
        """Post once per idempotency key; a repeat returns the first result, a retry resumes where it stopped."""
        key = package.idempotency_key
        record = self.saved(key)
        if record.get("final"):
            return self._result(record)
        video = Path(package.video_path)
        if not record.get("video"):
            record = self._initialize(key, video)
        if not record.get("finalized"):
            self._upload_parts(key, record, video)
            self.client.request("POST", "/rest/videos", params={"action": "finalizeUpload"}, json={
                "finalizeUploadRequest": {"video": record["video"], "uploadToken": record.get("upload_token", ""),
                                          "uploadedPartIds": [record["etags"][str(i)]
                                                              for i in range(len(record["parts"]))]}})
            record["finalized"] = True
            self.state.put(key, record)
        self._wait_available(key, record)
        if not record.get("post"):
            found = self._find_post(record["video"]) if record.get("posting") else None
            if found is None:
                record["posting"] = True  # saved first: a crash after the call is resumed by finding the post
                self.state.put(key, record)
                found = self._create_post(package, record["video"])
            record["post"] = found
        record["final"] = True
        self.state.put(key, record)
        return self._result(record)

    def _initialize(self, key: str, video: Path) -> dict[str, Any]:
        value = self.client.request("POST", "/rest/videos", params={"action": "initializeUpload"}, json={
            "initializeUploadRequest": {"owner": self.author, "fileSizeBytes": video.stat().st_size,
                                        "uploadCaptions": False, "uploadThumbnail": False}}).json()["value"]
        record = {"video": value["video"], "upload_token": value.get("uploadToken", ""), "etags": {},
                  "parts": [[i["uploadUrl"], i["firstByte"], i["lastByte"]] for i in value["uploadInstructions"]]}
        self.state.put(key, record)
        return record

    def _upload_parts(self, key: str, record: dict[str, Any], video: Path) -> None:
        """PUT each part not yet acknowledged, saving its ETag as it lands."""
        with open(video, "rb") as handle:
            for index, (url, first, last) in enumerate(record["parts"]):
                if str(index) in record["etags"]:
                    continue
                handle.seek(first)
                record["etags"][str(index)] = self.client.put_part(url, handle.read(last - first + 1))
                self.state.put(key, record)

    def _wait_available(self, key: str, record: dict[str, Any]) -> None:
        waited, status = 0.0, ""
        for waited in self.waits():
            found = self.client.request("GET", f"/rest/videos/{quote(record['video'], safe='')}").json()
            status = found.get("status", "")
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                why = found.get("processingFailureReason") or "processing failed"
                self.state.put(key, {"failed": why, "failed_video": record["video"]})
                raise LinkedInError("processing_failed", f"LinkedIn could not process the video: {why}",
                                    retryable=False)
        raise LinkedInError("still_processing", f"{record['video']} still {status} after {waited:.0f} s",
                            retryable=True)

    def _create_post(self, package: PublishPackage, video_urn: str) -> str:
        response = self.client.request("POST", "/rest/posts", json={
            "author": self.author, "commentary": little_text(reel_caption(package, COMMENTARY_LIMIT)),
            "visibility": "PUBLIC", "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "content": {"media": {"title": f"{package.season_title} — Ep {package.episode_number}",
                                  "id": video_urn}}})
        return str(response.headers.get("x-restli-id") or response.json().get("id"))

    def _find_post(self, video_urn: str) -> str | None:
        """The author's recent post that carries this video, if the post call went through before a crash."""
        found = self.client.request("GET", "/rest/posts", params={"q": "author", "author": self.author,
                                                                   "count": 20}).json()
        return next((str(p["id"]) for p in found.get("elements") or []
                     if ((p.get("content") or {}).get("media") or {}).get("id") == video_urn), None)

    def _result(self, record: dict[str, Any]) -> PublishResult:
        return PublishResult(external_id=record["post"],
                             location=f"https://www.linkedin.com/feed/update/{record['post']}/")


def from_settings(*, publish_state: PublishState | None = None, cliffhanger_home: Path | str | None = None,
                  **values: Any) -> LinkedInPublisher:
    """Plug-in factory (entry point `linkedin`): needs LINKEDIN_ACCESS_TOKEN and LINKEDIN_AUTHOR_URN."""
    cfg = LinkedInSettings.from_values(values)
    token = cfg.access_token.get_secret_value() if cfg.access_token else ""
    if not token or not cfg.author_urn:
        raise ValueError("the linkedin publisher needs LINKEDIN_ACCESS_TOKEN and LINKEDIN_AUTHOR_URN "
                         "(urn:li:organization:<id> for a Page)")
    if publish_state is None:
        publish_state = default_state(cfg.state_dir, cliffhanger_home, "linkedin")
    return LinkedInPublisher(LinkedInClient(token, base_url=cfg.api_base_url, version=cfg.api_version),
                             cfg.author_urn, publish_state)
