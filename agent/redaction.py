"""One function that scrubs secrets from text before it leaves the process: `redact(text) -> text`.

Why one function: error text from outside services (TikTok echoing an Authorization header, a signed S3 URL in an
exception, a database URL with its password) travels to four places — the log, the Slack thread, the CLI and the
`publications.error` column. Each of those calls `redact()` last, so a new leak shape is fixed here once.

Two kinds of secret are caught:
- shapes (Slack `xox?-`/`xapp-` tokens, Google `AIza…` keys, AWS access key ids, `Bearer …`/`Basic …`,
  `Authorization:` values, URL passwords, signed-URL query parameters, `"access_token": "…"`-style fields);
- the configured values themselves (signing secret, client secret, SMTP password, …), registered once at start-up
  with `register_secrets()` (the logging set-up does it) or passed per call.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

REDACTED = "[REDACTED]"
_MIN_SECRET_LEN = 6  # shorter configured values would redact ordinary words

# Query/form/JSON field names whose value is a credential (signed URLs: S3, GCS, Azure SAS, CloudFront, generic).
_SECRET_FIELDS = (
    r"x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig"
    r"|access_token|refresh_token|id_token|token|client_secret|api_key|apikey|key|password|passwd|secret"
    r"|aws_secret_access_key|aws_session_token|session_token|policy|key-pair-id"
)

# (pattern, replacement): replacements keep the field name so the text stays readable.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization / Proxy-Authorization header values, in "Name: value", "'Name': 'value'" or "name=value" form.
    (re.compile(r"(?i)((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic|token|bot)\s+)?"
                r"[^\s\"',;}]+"), r"\1\2 " + REDACTED),
    # Bearer <token> anywhere (a token has a digit or punctuation; "bearer authentication" is prose)
    (re.compile(r"(?i)\b(bearer)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"xox[abposer]-[A-Za-z0-9-]{6,}"), REDACTED),  # Slack bot/user/config tokens
    (re.compile(r"xapp-[A-Za-z0-9-]{6,}"), REDACTED),  # Slack app-level (Socket Mode) tokens
    (re.compile(r"AIza[0-9A-Za-z_\-]{30,}"), REDACTED),  # Google API keys
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"), REDACTED),  # AWS access key ids
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+(@)"), r"\1" + REDACTED + r"\2"),  # URL password
    # ?X-Amz-Signature=…&token=… (query strings and form bodies)
    (re.compile(rf"(?i)([?&;](?:{_SECRET_FIELDS})=)[^&\s\"'#]+"), r"\1" + REDACTED),
    (re.compile(rf"(?i)(\b(?:{_SECRET_FIELDS})=)[^&\s\"'#]+"), r"\1" + REDACTED),  # client_secret=… anywhere
    # "access_token": "…" / 'password': '…' (JSON and Python reprs)
    (re.compile(rf"(?i)([\"'](?:{_SECRET_FIELDS})[\"']\s*:\s*[\"'])[^\"']+"), r"\1" + REDACTED),
)
# Authorization's replacement leaves "\2 " when there was no scheme word: tidy the double space it makes.
_TIDY = re.compile(r"(:\s*[\"']?|=)\s+" + re.escape(REDACTED))

_lock = threading.Lock()
_known: list[str] = []


def register_secrets(values: Iterable[str | None]) -> None:
    """Remember configured secret values (settings' SecretStr fields) so every later `redact()` removes them."""
    global _known
    with _lock:
        merged = {*_known, *(v for v in values if v and len(v) >= _MIN_SECRET_LEN)}
        _known = sorted(merged, key=len, reverse=True)  # longest first: a secret containing another goes whole


def forget_secrets() -> None:
    """Drop every registered value (tests)."""
    global _known
    with _lock:
        _known = []


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every registered or given secret value and every secret-shaped token replaced by [REDACTED]."""
    if not text:
        return text
    extra = sorted((s for s in secrets if s and len(s) >= _MIN_SECRET_LEN), key=len, reverse=True)
    for secret in (*extra, *_known):
        text = text.replace(secret, REDACTED)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return _TIDY.sub(lambda m: m.group(1) + REDACTED, text)
