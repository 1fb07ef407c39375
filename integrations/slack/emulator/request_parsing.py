"""Decode a Web API request into one flat params dict, whatever encoding slack-sdk chose.

slack-sdk sends JSON for chat.postMessage / chat.update / assistant.threads.*, url-encoded forms for most other
methods, multipart when a file rides along, and may add query-string params: handlers should not care which.
Fields Slack documents as JSON-in-a-form-field (``blocks``, ``files``, ``view``…) are decoded too, so a handler
sees a list of blocks whether the client sent JSON or a form.
"""

from __future__ import annotations

import base64
import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

JSON_FIELDS = ("blocks", "attachments", "files", "view", "prompts", "metadata", "unfurls", "user_auth_blocks")


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields of a multipart body; file parts come back as bytes."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return fields


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Turn JSON-encoded form fields into Python values (left as-is when they are not valid JSON)."""
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                pass
    return params


def parse_params(content_type: str | None, body: bytes, query: str = "") -> dict[str, Any]:
    """All params of one request: query string, then the body (JSON, form or multipart) on top."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = (content_type or "").split(";")[0].strip().lower()
    if body:
        if kind == "application/json":
            decoded = json.loads(body.decode("utf-8"))
            if isinstance(decoded, dict):
                params.update(decoded)
        elif kind == "multipart/form-data":
            params.update(_parse_multipart(content_type or "", body))
        else:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return _decode_json_fields(params)


def bearer_token(authorization: str | None, params: dict[str, Any]) -> str | None:
    """The token from ``Authorization: Bearer …`` or a ``token`` param (older clients send it that way)."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = params.get("token")
    return str(token) if token else None


def basic_credentials(authorization: str | None) -> dict[str, str]:
    """``client_id``/``client_secret`` from ``Authorization: Basic …`` (how slack_sdk sends them to oauth.v2.access;
    Slack accepts them as form fields too, so handlers read them from the params either way)."""
    if not authorization or not authorization.lower().startswith("basic "):
        return {}
    try:
        decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}
