"""The webhook publisher: a signed JSON POST per published episode, for a brand's own systems.

Signature: `X-Cliffhanger-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}." + raw body)>` with
`X-Cliffhanger-Timestamp: <unix seconds>`, so a receiver can reject replays (timestamp window) and forgeries
(`verify_signature` below is the reference implementation). `Idempotency-Key` carries the publication key: the
sweep calls a publisher once per key, but after a crash it may call again, and only the receiver can dedupe that.

Destinations must be https and must not resolve to private, loopback, link-local, CGNAT, unique-local or
tunnel-embedded addresses (an agent that can be talked into POSTing to 169.254.169.254 is a server-side request
forgery), unless `allow_insecure_local=True`; the request then goes to the very address that was checked
(integrations/egress.py pins it), so DNS rebinding cannot switch it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

import httpx
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from agent.plugins import PluginSettings
from agent.ports import PublishPackage, PublishResult
from integrations.egress import Pinned, RefusedAddressError, Resolver, pin, system_resolver

SIGNATURE_HEADER = "X-Cliffhanger-Signature"
TIMESTAMP_HEADER = "X-Cliffhanger-Timestamp"
KEY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_S = 300



class WebhookError(RuntimeError):
    """The receiver refused or could not be reached."""


class UnsafeDestinationError(WebhookError):
    """The URL is not https, or points inside our own network."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, body: bytes, headers: Mapping[str, str], *,
                     tolerance_s: int = DEFAULT_TOLERANCE_S, now: float | None = None) -> bool:
    """For receivers: True when the body was signed with `secret` within `tolerance_s` of now (constant-time)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    signature = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp.isdigit() or not signature.startswith("sha256="):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def check_destination(url: str, *, allow_insecure_local: bool = False, resolve: Resolver = system_resolver) -> Pinned:
    """Refuse anything but https to a public address (tests and local demos opt out explicitly); returns where to
    connect — the checked address, pinned (integrations/egress.py), so a second DNS answer can't redirect us."""
    parsed = urlparse(url)
    if allow_insecure_local:
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise UnsafeDestinationError(f"'{url}' is not an http(s) URL")
    elif parsed.scheme != "https" or not parsed.hostname:
        raise UnsafeDestinationError(f"webhook URLs must be https:// (got '{url}')")
    try:
        return pin(url, resolve=resolve, allow_internal=allow_insecure_local)
    except RefusedAddressError as exc:
        raise UnsafeDestinationError(str(exc)) from exc


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class WebhookPublisher:
    """POSTs `{"event": "episode.published", ...}` signed with a shared secret."""

    name = "webhook"

    def __init__(self, url: str, secret: str, *, allow_insecure_local: bool = False,
                 http: httpx.Client | None = None, timeout_s: float = 10.0, clock: Callable[[], float] = time.time,
                 resolve: Resolver = system_resolver) -> None:
        if not secret:
            raise ValueError("a webhook needs a signing secret (receivers verify with verify_signature)")
        check_destination(url, allow_insecure_local=allow_insecure_local, resolve=resolve)
        self.url, self._secret, self._allow_local, self._resolve = url, secret, allow_insecure_local, resolve
        self._http = http or httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._clock = clock

    def body(self, package: PublishPackage) -> bytes:
        """The exact bytes that are signed and sent."""
        payload = {"event": "episode.published", "idempotency_key": package.idempotency_key,
                   "episode": package.model_dump(mode="json")}
        return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()

    def publish(self, package: PublishPackage) -> PublishResult:
        """Send once; a non-2xx answer (redirects included: they are not followed) raises WebhookError."""
        target = check_destination(self.url, allow_insecure_local=self._allow_local, resolve=self._resolve)
        body = self.body(package)
        timestamp = str(int(self._clock()))
        extensions = {} if _is_ip(target.sni_hostname) else {"sni_hostname": target.sni_hostname}
        try:
            response = self._http.post(target.url, content=body, extensions=extensions, headers={
                "Host": target.host_header, "Content-Type": "application/json",
                "User-Agent": "cliffhanger-webhook/1",
                TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(self._secret, timestamp, body),
                KEY_HEADER: package.idempotency_key})
        except httpx.HTTPError as exc:
            raise WebhookError(f"could not reach {self.url}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise WebhookError(f"{self.url} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        external = answer.get("id") if isinstance(answer, dict) else None
        return PublishResult(external_id=str(external or package.idempotency_key), location=self.url)


class WebhookSettings(PluginSettings):
    """The webhook publisher's own settings: WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_ALLOW_INSECURE_LOCAL."""

    model_config = SettingsConfigDict(env_prefix="WEBHOOK_", env_file=None, extra="ignore", populate_by_name=True)

    url: str | None = Field(default=None, description="https URL the webhook publisher POSTs to.")
    secret: SecretStr | None = Field(default=None, description="HMAC-SHA256 signing secret for the webhook.")
    allow_insecure_local: bool = Field(
        default=False, description="Allow http:// and private/loopback hosts (local demos and tests only).")


def from_settings(**values: Any) -> WebhookPublisher:
    """Plug-in factory (entry point `webhook`): WEBHOOK_URL + WEBHOOK_SECRET (explicit values or environment)."""
    cfg = WebhookSettings.from_values(values)
    secret = cfg.secret.get_secret_value() if cfg.secret else None
    if not cfg.url or not secret:
        raise ValueError("the webhook publisher needs webhook_url and webhook_secret")
    return WebhookPublisher(cfg.url, secret, allow_insecure_local=cfg.allow_insecure_local)
