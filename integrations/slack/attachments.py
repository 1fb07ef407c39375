"""Files a marketer attaches in the thread (logo, font, portrait): downloaded with the bot token for the agent.

Slack serves `url_private_download` only with the bot token as a Bearer header, so the token goes with the
request — and therefore only to Slack's own file hosts over https (or, when SLACK_API_BASE_URL points at the local
emulator, to the emulator's origin). An event naming any other URL is refused before a connection is made; a
redirect is followed only to an allowed host. The download is streamed and stops at the upload size limit, so a
stray video can't fill the memory or the disk. What the file *is* is decided later from its bytes
(agent/uploads.py), the same check the terminal and the CLI use; the original name is kept for the thread.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from agent.uploads import MAX_UPLOAD_BYTES, MB

log = logging.getLogger(__name__)
MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "files-origin.slack.com", "files-edge.slack.com",
                              "files.slack-gov.com", "slack-files.com"})
REAL_SLACK_API_HOSTS = frozenset({"slack.com", "www.slack.com", "slack-gov.com"})
MAX_REDIRECTS = 3


class AttachmentError(ValueError):
    """An attachment we can't use; the message is shown in the thread."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def allowed_origins(api_base_url: str | None) -> set[tuple[str, str, int | None]]:
    """Where the bot token may go besides Slack's file hosts: the Web API's own origin when it is not Slack's
    (the emulator configured through SLACK_API_BASE_URL)."""
    if not api_base_url:
        return set()
    scheme, host, port = _origin(api_base_url)
    if not host or host in REAL_SLACK_API_HOSTS:
        return set()
    return {(scheme, host, port)}


def token_may_go_to(url: str, extra: set[tuple[str, str, int | None]]) -> bool:
    """True for https on a Slack file host (default port), or exactly an extra origin."""
    scheme, host, port = _origin(url)
    if scheme == "https" and host in SLACK_FILE_HOSTS and port in (None, 443):
        return True
    return (scheme, host, port) in extra


def _fetch(http: httpx.Client, url: str, name: str, extra: set[tuple[str, str, int | None]]) -> bytes:
    """GET with manual redirects (each hop re-checked) and a streaming size cap."""
    for _hop in range(MAX_REDIRECTS + 1):
        if not token_may_go_to(url, extra):
            log.warning("refused to download an attachment from %s (not a Slack file host)", _origin(url)[1])
            raise AttachmentError(f"I couldn't download “{name}”: it isn't stored on Slack's file servers.")
        with http.stream("GET", url) as response:
            if response.is_redirect and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            if response.status_code != 200:
                raise AttachmentError(f"I couldn't download “{name}” (HTTP {response.status_code}).")
            data = bytearray()
            for chunk in response.iter_bytes():
                data.extend(chunk)
                if len(data) > MAX_ATTACHMENT_BYTES:
                    raise AttachmentError(f"“{name}” is over the {MAX_ATTACHMENT_BYTES // MB} MB upload limit; "
                                          "please attach a smaller file.")
            return bytes(data)
    raise AttachmentError(f"I couldn't download “{name}” (too many redirects).")


def download_attachments(files: list[dict[str, Any]], token: str | None, dest: Path, *,
                         api_base_url: str | None = None) -> list[Path]:
    """Download each shared file into `dest`; returns local paths in the order given.

    `api_base_url` is the Web API base the app talks to; when it is not Slack's (the emulator), its origin may
    serve files too.
    """
    extra = allowed_origins(api_base_url)
    dest.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(timeout=30, follow_redirects=False, headers=headers) as http:
        for meta in files:
            url = meta.get("url_private_download") or meta.get("url_private")
            name = SAFE_NAME.sub("_", str(meta.get("name") or meta.get("title") or meta.get("id") or "upload"))
            if not url or not isinstance(url, str):
                raise AttachmentError(f"I couldn't read the file “{name}” (Slack gave no download link).")
            size = meta.get("size")
            if isinstance(size, int) and size > MAX_ATTACHMENT_BYTES:
                raise AttachmentError(f"“{name}” is over the {MAX_ATTACHMENT_BYTES // MB} MB upload limit; "
                                      "please attach a smaller file.")
            content = _fetch(http, url, name, extra)
            file_id = SAFE_NAME.sub("_", str(meta.get("id", "F")))
            path = dest / f"{file_id}-{name}"
            path.write_bytes(content)
            paths.append(path)
    return paths
