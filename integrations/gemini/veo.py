"""Veo image-to-video through google-genai in Vertex mode: start, poll the long-running operation, fetch the MP4.

Why Vertex: in google-genai 3.6 `generate_videos` raises in Developer-API (API key) mode, so Veo needs a Google Cloud
project, a location and credentials (application default credentials, or an access token). In tests the SDK is
pointed at a local stand-in with `HttpOptions(base_url=…)`.

Failures become `VeoError`s a marketer can read: a 429 or 5xx is retried with exponential backoff (tenacity) and only
then reported; an operation that ends in an error says so; a safety-filter block carries Veo's own reason; an
operation that is not done by the deadline is a `VeoTimeout`. Credentials never appear in any message.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)
VEO_MODEL = "veo-3.1-generate-001"
VEO_SECONDS = (4, 6, 8)  # what Veo 3.x accepts per call
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class VeoError(RuntimeError):
    """A Veo call failed for a reason worth telling the thread."""


class VeoSafetyBlock(VeoError):
    """Veo's safety filter refused the clip; `reasons` are Veo's own words."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons) or ["no reason given"]
        super().__init__("Veo's safety filter blocked the clip: " + "; ".join(self.reasons))


class VeoTimeout(VeoError):
    """The operation was not done by the deadline (nothing is billed for it by us; Veo may still finish it)."""


def vertex_client(project: str, location: str, *, base_url: str | None = None, credentials: Any = None,
                  access_token: str | None = None) -> genai.Client:
    """A Vertex-mode client (no network yet). `access_token` wraps a bearer token; else ADC/`credentials`."""
    if credentials is None and access_token:
        from google.oauth2.credentials import Credentials

        credentials = Credentials(token=access_token)
    options = types.HttpOptions(base_url=base_url) if base_url else None
    return genai.Client(vertexai=True, project=project, location=location, credentials=credentials,
                        http_options=options)


def clip_seconds(wanted: float) -> int:
    """The shortest call length Veo accepts that covers `wanted` (capped at 8: longer shots take several calls)."""
    return next((s for s in VEO_SECONDS if s >= wanted - 1e-6), VEO_SECONDS[-1])


def _retryable(error: BaseException) -> bool:
    if isinstance(error, genai_errors.APIError):
        return error.code in RETRYABLE
    return isinstance(error, httpx.TransportError)


@dataclass
class VeoClient:
    """One Veo model on one Vertex client; `sleep`/`clock` are injectable so tests run in milliseconds."""

    client: genai.Client
    model: str = VEO_MODEL
    poll_interval_s: float = 10.0
    timeout_s: float = 900.0
    attempts: int = 4
    backoff_s: float = 2.0
    generate_audio: bool = False
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def generate(self, image_png: bytes, prompt: str, seconds: int, out_path: Path,
                 references: Sequence[bytes] = ()) -> Path:
        """Image-to-video at 9:16: the clip starts on `image_png`; up to 3 asset references keep the subject."""
        if seconds not in VEO_SECONDS:
            raise ValueError(f"Veo takes {VEO_SECONDS} seconds per call, not {seconds}")
        config = types.GenerateVideosConfig(
            aspect_ratio="9:16", duration_seconds=seconds, number_of_videos=1, generate_audio=self.generate_audio,
            person_generation="allow_adult",
            reference_images=[types.VideoGenerationReferenceImage(
                image=types.Image(image_bytes=ref, mime_type="image/png"),
                reference_type=types.VideoGenerationReferenceType.ASSET) for ref in references[:3]] or None)
        source = types.GenerateVideosSource(prompt=prompt, image=types.Image(image_bytes=image_png,
                                                                             mime_type="image/png"))
        operation = self._retry("start a Veo clip",
                                lambda: self.client.models.generate_videos(model=self.model, source=source,
                                                                           config=config))
        operation = self._wait(operation)
        data = self._video_bytes(operation)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        part = out_path.with_name(f".{out_path.name}.part")
        part.write_bytes(data)
        part.replace(out_path)
        return out_path

    def _wait(self, operation: types.GenerateVideosOperation) -> types.GenerateVideosOperation:
        """Poll until done, or raise VeoTimeout at the deadline."""
        deadline = self.clock() + self.timeout_s
        while not operation.done:
            if self.clock() >= deadline:
                raise VeoTimeout(f"Veo did not finish the clip within {self.timeout_s:.0f} s; try again later.")
            self.sleep(self.poll_interval_s)
            operation = self._retry("check on a Veo clip", functools.partial(self.client.operations.get, operation))
        if operation.error:
            message = str(operation.error.get("message") or operation.error)
            raise VeoError(f"Veo could not make the clip: {message}")
        return operation

    def _video_bytes(self, operation: types.GenerateVideosOperation) -> bytes:
        """The MP4 bytes: inline when Vertex sent them, else downloaded from the URI it gave."""
        result = operation.result or operation.response
        videos = (result.generated_videos if result else None) or []
        if not videos or videos[0].video is None:
            if result is not None and (result.rai_media_filtered_count or result.rai_media_filtered_reasons):
                raise VeoSafetyBlock(result.rai_media_filtered_reasons or [])
            raise VeoError("Veo finished without a video.")
        video = videos[0].video
        if video.video_bytes:
            return video.video_bytes
        if not video.uri:
            raise VeoError("Veo returned a video with neither bytes nor a URI.")
        return self._download(video.uri)

    def _download(self, uri: str) -> bytes:
        """GET the video with the client's credentials (gs:// through the Cloud Storage JSON API)."""
        if uri.startswith("gs://"):
            bucket, _, name = uri.removeprefix("gs://").partition("/")
            uri = f"https://storage.googleapis.com/storage/v1/b/{bucket}/o/{quote(name, safe='')}?alt=media"
        headers = {"Authorization": f"Bearer {self._token()}"}

        def fetch() -> bytes:
            response = httpx.get(uri, headers=headers, timeout=120.0, follow_redirects=True)
            if response.status_code in RETRYABLE:
                raise genai_errors.APIError(response.status_code, {"error": {"message": "download"}})
            if response.status_code != 200:
                raise VeoError(f"downloading the Veo clip failed (HTTP {response.status_code})")
            return response.content

        return self._retry("download a Veo clip", fetch)

    def _token(self) -> str:
        """A current access token of the client's credentials (refreshed when needed)."""
        credentials = self.client._api_client._credentials  # the SDK exposes no public accessor
        if credentials is None:
            return ""
        if not credentials.valid:
            from google.auth.transport.requests import Request

            credentials.refresh(Request())
        return str(credentials.token)

    def _retry(self, what: str, call: Callable[[], Any]) -> Any:
        """Run `call`, backing off on 429/5xx/dropped connections; other API errors are reported at once."""
        retrying = Retrying(retry=retry_if_exception(_retryable), stop=stop_after_attempt(max(1, self.attempts)),
                            wait=wait_exponential(multiplier=self.backoff_s, max=60), sleep=self.sleep)
        try:
            return retrying(call)
        except RetryError as exhausted:
            error = exhausted.last_attempt.exception()
            code = getattr(error, "code", type(error).__name__)
            raise VeoError(f"Veo is busy (HTTP {code}) — could not {what} after {self.attempts} tries; "
                           "try again in a few minutes.") from None
        except genai_errors.APIError as error:
            if error.code in (401, 403):
                raise VeoError(f"Vertex AI refused the credentials (HTTP {error.code}): check "
                               "GOOGLE_CLOUD_PROJECT and the service account's Vertex AI access.") from None
            raise VeoError(f"Veo refused the request (HTTP {error.code}): {error.message}") from None
