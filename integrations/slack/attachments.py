"""Files a marketer attaches in the thread (logo, font, portrait): downloaded with the bot token for the agent.

Slack serves `url_private_download` only with the bot token as a Bearer header; we cap the size so a stray video
upload can't fill the disk, and keep the original file name (the agent tells logos, fonts and portraits apart by
extension).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class AttachmentError(ValueError):
    """An attachment we can't use; the message is shown in the thread."""


def download_attachments(files: list[dict[str, Any]], token: str | None, dest: Path) -> list[Path]:
    """Download each shared file into `dest`; returns local paths in the order given."""
    dest.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(timeout=30, follow_redirects=True, headers=headers) as http:
        for meta in files:
            url = meta.get("url_private_download") or meta.get("url_private")
            name = SAFE_NAME.sub("_", str(meta.get("name") or meta.get("title") or meta.get("id") or "upload"))
            if not url:
                raise AttachmentError(f"I couldn't read the file “{name}” (Slack gave no download link).")
            if int(meta.get("size") or 0) > MAX_ATTACHMENT_BYTES:
                raise AttachmentError(f"“{name}” is larger than 20 MB; please attach a smaller file.")
            response = http.get(url)
            if response.status_code != 200:
                raise AttachmentError(f"I couldn't download “{name}” (HTTP {response.status_code}).")
            if len(response.content) > MAX_ATTACHMENT_BYTES:
                raise AttachmentError(f"“{name}” is larger than 20 MB; please attach a smaller file.")
            path = dest / f"{meta.get('id', 'F')}-{name}"
            path.write_bytes(response.content)
            paths.append(path)
    return paths
