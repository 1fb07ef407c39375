"""WAV helpers: read a clip's duration and samples, and lay clips out on one speech track.

The renderer mixes speech in Python, not in ffmpeg: every clip is placed at its caption's start on one mono
16-bit track, written once, and ffmpeg gets a single audio input (loudness-normalised in the same run that
encodes the video). One input keeps the episode a single ffmpeg run however many lines it has, and placing
samples by index makes each line start exactly on its caption's first frame.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRACK_RATE = 24000  # speech needs no more; ffmpeg resamples to 48 kHz for AAC


@dataclass(frozen=True)
class Placement:
    """A clip starting at `start` seconds on the track."""

    path: Path
    start: float


def wav_duration(path: Path) -> float:
    """Seconds of audio in a WAV file, from its header."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        if rate <= 0:
            raise ValueError(f"{path} has no sample rate")
        return wav.getnframes() / rate


def read_mono(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 mono in [-1, 1] and the sample rate (8/16/32-bit PCM)."""
    with wave.open(str(path), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / 2147483648
    else:
        raise ValueError(f"{path}: unsupported {8 * width}-bit WAV")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear resampling: good enough for speech headed for a 64 kb/s AAC track."""
    if rate == target or samples.size == 0:
        return samples
    n = max(1, round(samples.size * target / rate))
    return np.interp(np.linspace(0, samples.size - 1, n), np.arange(samples.size), samples).astype(np.float32)


def write_pcm16(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write float samples as a mono 16-bit WAV."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


def write_pcm_bytes(path: Path, pcm: bytes, rate: int, channels: int = 1) -> Path:
    """Wrap raw little-endian 16-bit PCM (Gemini's audio/L16) in a WAV header."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return path


def build_track(placements: list[Placement], total: float, path: Path, offset: float = 0.0,
                rate: int = TRACK_RATE) -> Path:
    """One mono track of `total` seconds with each clip at `start - offset` (clips outside are cut off)."""
    track = np.zeros(max(1, round(total * rate)), np.float32)
    for placement in placements:
        samples, clip_rate = read_mono(placement.path)
        samples = resample(samples, clip_rate, rate)
        at = round((placement.start - offset) * rate)
        if at >= track.size or at + samples.size <= 0:
            continue
        if at < 0:
            samples, at = samples[-at:], 0
        end = min(track.size, at + samples.size)
        track[at:end] += samples[:end - at]
    return write_pcm16(path, track, rate)
