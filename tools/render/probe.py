"""Facts about a rendered file, read back with the bundled ffmpeg (imageio-ffmpeg ships no ffprobe).

`ffmpeg -i` prints the container's streams on stderr; that line is stable enough to parse for what continuity
needs (size, fps, codecs, pixel format, colour tags, duration). Frames are decoded by seeking, one at a time, so a
two-minute episode costs no more to sample than a ten-second one.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\w+)(\([^)]*\))?, (\d+)x(\d+)")
_FPS = re.compile(r"([\d.]+) fps")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
_LOUDNESS = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS")


@dataclass(frozen=True)
class VideoFacts:
    """What the container says about the file."""

    width: int
    height: int
    fps: float
    video_codec: str
    pixel_format: str
    colour: str
    audio_codec: str | None
    duration_s: float


def _ffmpeg(ffmpeg: str | None) -> str:
    return ffmpeg or imageio_ffmpeg.get_ffmpeg_exe()


def probe(path: Path, ffmpeg: str | None = None) -> VideoFacts:
    """Parse `ffmpeg -i` output; raises ValueError when the file has no video stream."""
    proc = subprocess.run([_ffmpeg(ffmpeg), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True,
                          text=True, check=False)
    log = proc.stderr
    video = _VIDEO.search(log)
    if not video:
        raise ValueError(f"{path} has no readable video stream: {log.strip().splitlines()[-1:]}")
    line = log[video.start():].splitlines()[0]
    fps = _FPS.search(line)
    audio = _AUDIO.search(log)
    dur = _DURATION.search(log)
    seconds = int(dur.group(1)) * 3600 + int(dur.group(2)) * 60 + float(dur.group(3)) if dur else 0.0
    return VideoFacts(width=int(video.group(4)), height=int(video.group(5)), fps=float(fps.group(1)) if fps else 0.0,
                      video_codec=video.group(1), pixel_format=video.group(2), colour=(video.group(3) or "").strip("()"),
                      audio_codec=audio.group(1) if audio else None, duration_s=round(seconds, 3))


def grab_frame(path: Path, t: float, width: int, height: int, ffmpeg: str | None = None) -> np.ndarray:
    """The decoded RGB frame at time t (H×W×3 uint8), honouring the file's BT.709 tags."""
    proc = subprocess.run([_ffmpeg(ffmpeg), "-v", "error", "-nostdin", "-ss", f"{t:.3f}", "-i", str(path),
                           "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          capture_output=True, check=False)
    expected = width * height * 3
    if proc.returncode != 0 or len(proc.stdout) < expected:
        raise ValueError(f"could not decode a frame at {t:.2f} s from {path}: {proc.stderr.decode()[-300:]}")
    return np.frombuffer(proc.stdout[:expected], dtype=np.uint8).reshape(height, width, 3)


def integrated_loudness(path: Path, ffmpeg: str | None = None) -> float | None:
    """EBU R128 integrated loudness of the audio track in LUFS (None without audio, -inf for silence)."""
    proc = subprocess.run([_ffmpeg(ffmpeg), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0",
                           "-filter:a", "ebur128", "-f", "null", "-"], capture_output=True, text=True, check=False)
    found = _LOUDNESS.findall(proc.stderr)
    if not found:
        return None
    return float(found[-1])
