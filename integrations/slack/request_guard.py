"""The door of /slack/events: the signature is checked on the raw bytes first, the body is parsed second.

Why before Bolt: Bolt's `BoltRequest` parses the body in its constructor, before its own verification middleware
runs, so an unsigned non-JSON body, a JSON array or a form `payload` that isn't an object raised inside the
framework — a 500 with a traceback for anyone on the internet. Here an unsigned or stale request gets 401 without
a byte of it being parsed, a signed but malformed one gets 400 with one log line, and only a well-formed, signed
request becomes a `BoltRequest` (Bolt still verifies it again; that costs one HMAC).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # Slack's largest payloads (view submissions) are tens of kB
TOLERANCE_S = 300  # Slack's rule: reject timestamps more than five minutes from now


@dataclass(frozen=True)
class Refusal:
    """A request answered without reaching Bolt: status and a short plain-text reason."""

    status: int
    reason: str


def signature_valid(secret: str, body: bytes, timestamp: str | None, signature: str | None, *,
                    now: Callable[[], float] = time.time) -> bool:
    """Slack's v0 scheme: `v0=` + HMAC-SHA256(secret, "v0:{timestamp}:" + body), timestamp within 5 minutes."""
    if not secret or not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
        return False
    if len(timestamp) > 12 or abs(now() - int(timestamp)) > TOLERANCE_S:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={digest}".encode(), signature.encode("utf-8", "replace"))


def _object(text: str, what: str) -> dict[str, Any] | Refusal:
    """`text` parsed as a JSON object, or the reason it isn't one."""
    try:
        value = json.loads(text)
    except ValueError:
        return Refusal(400, f"{what} is not valid JSON")
    if not isinstance(value, dict):
        return Refusal(400, f"{what} is not a JSON object")
    return value


# The shapes Bolt's built-in middleware and context extractors take for granted (they call .get() on these and
# index authorizations[0]); Slack always sends them so. Checked on the body and on nested event/message objects.
OBJECT_KEYS = ("event", "view", "message", "previous_message", "assistant_thread", "function_data", "container",
               "item", "bot_profile")
STR_OR_OBJECT_KEYS = ("team", "enterprise", "user", "channel")
STR_KEYS = ("type", "subtype", "team_id", "enterprise_id", "user_id", "channel_id", "api_app_id", "event_id",
            "ts", "thread_ts", "event_ts", "function_execution_id", "bot_access_token", "bot_id", "text",
            "context_team_id", "context_enterprise_id", "token", "trigger_id", "response_url")
FLAG_KEYS = ("is_enterprise_install", "is_ext_shared_channel")


def shape_problem(body: dict[str, Any], depth: int = 0) -> str | None:
    """The first field whose type Bolt could not handle, or None."""
    for key in OBJECT_KEYS:
        if key in body and not isinstance(body[key], dict):
            return f"{key} must be an object"
    for key in STR_OR_OBJECT_KEYS:
        if body.get(key) is not None and not isinstance(body[key], str | dict):
            return f"{key} must be a string or an object"
    for key in STR_KEYS:
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"{key} must be a string"
    for key in FLAG_KEYS:
        if body.get(key) is not None and not isinstance(body[key], bool | str):
            return f"{key} must be a boolean"
    authorizations = body.get("authorizations")
    if authorizations is not None and (not isinstance(authorizations, list)
                                       or not all(isinstance(a, dict) for a in authorizations)):
        return "authorizations must be a list of objects"
    if isinstance(authorizations, list):
        for item in authorizations:
            problem = shape_problem(item, depth + 1)
            if problem:
                return f"authorizations: {problem}"
    if depth < 3:
        for key in (*OBJECT_KEYS, *STR_OR_OBJECT_KEYS):
            nested = body.get(key)
            if isinstance(nested, dict):
                problem = shape_problem(nested, depth + 1)
                if problem:
                    return f"{key}.{problem}"
    return None


def parse_body(text: str, content_type: str) -> dict[str, Any] | Refusal:
    """The body as Bolt would read it (JSON, form with a JSON `payload`, or plain form), checked for shape."""
    if content_type.split(";", 1)[0].strip().lower() == "application/json" or text.lstrip().startswith(("{", "[")):
        body = _object(text, "the body")
    else:
        form = dict(parse_qsl(text, keep_blank_values=True))
        body = _object(form["payload"], "the form's payload") if "payload" in form else form
    if isinstance(body, Refusal):
        return body
    if body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return Refusal(400, "an event_callback needs an event object with a type")
    problem = shape_problem(body)
    if problem:
        return Refusal(400, problem)
    if body.get("type") == "url_verification" and not isinstance(body.get("challenge"), str):
        return Refusal(400, "a url_verification needs a challenge string")
    return body


def screen(raw: bytes, headers: Mapping[str, str], signing_secret: str, *, query: str = "",
           now: Callable[[], float] = time.time) -> BoltRequest | Refusal:
    """Signature first (401), then size and shape (413/400); a well-formed signed request becomes a BoltRequest."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if not signature_valid(signing_secret, raw, lowered.get("x-slack-request-timestamp"),
                           lowered.get("x-slack-signature"), now=now):
        return Refusal(401, "invalid or missing Slack signature")
    if len(raw) > MAX_BODY_BYTES:
        return Refusal(413, "body too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "the body is not UTF-8")
    body = parse_body(text, lowered.get("content-type", ""))
    if isinstance(body, Refusal):
        return body
    try:
        return BoltRequest(body=text, query=query, headers=dict(headers))
    except Exception as exc:  # noqa: BLE001 - any shape Bolt can't take is the sender's error, not ours
        return Refusal(400, f"malformed Slack request ({type(exc).__name__})")
