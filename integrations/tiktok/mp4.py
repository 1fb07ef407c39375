"""Read a video's duration from its MP4 header (moov/mvhd), without ffprobe: the publisher checks it against the
creator's max_video_post_duration_sec before asking TikTok for a post it would refuse."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO


def _boxes(handle: BinaryIO, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between here and `end`."""
    found = []
    while handle.tell() + 8 <= end:
        start = handle.tell()
        header = handle.read(8)
        size, kind = struct.unpack(">I4s", header)
        offset = 8
        if size == 1:
            size, offset = struct.unpack(">Q", handle.read(8))[0], 16
        elif size == 0:
            size = end - start
        if size < offset or start + size > end:
            break
        found.append((kind, start + offset, start + size))
        handle.seek(start + size)
    return found


def mp4_duration_s(path: Path) -> float | None:
    """Duration in seconds from the movie header, or None when the file is not a readable MP4."""
    try:
        with open(path, "rb") as handle:
            end = handle.seek(0, 2)
            handle.seek(0)
            for kind, start, stop in _boxes(handle, end):
                if kind != b"moov":
                    continue
                handle.seek(start)
                for inner, payload, _ in _boxes(handle, stop):
                    if inner != b"mvhd":
                        continue
                    handle.seek(payload)
                    version = handle.read(1)[0]
                    handle.seek(payload + (20 if version == 1 else 12))
                    timescale, duration = struct.unpack(">IQ" if version == 1 else ">II",
                                                        handle.read(12 if version == 1 else 8))
                    return duration / timescale if timescale else None
    except (OSError, struct.error, IndexError):
        return None
    return None
