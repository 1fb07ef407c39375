"""One ffmpeg run per file: still layers → drifting crops → concat → caption overlays → H.264 + silent AAC.

Each still is decoded once and repeated by the `loop` filter (references, not copies), converted to BT.709 YUV
once, and moved only by `crop` (a pointer offset per frame). Captions are single-frame inputs that `overlay`
holds and shows inside `enable='between(t,a,b)'`. So the encoder is the only real per-frame cost.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg

AUDIO_RATE = 48000


class EncodeError(RuntimeError):
    """ffmpeg failed; carries the tail of its log so the job record says why."""


@dataclass(frozen=True)
class Segment:
    """A still shown for `duration` seconds; `margin` > 0 means it is oversized and the crop drifts across it."""

    image: Path
    duration: float
    margin: int = 0
    direction: int = 1


@dataclass(frozen=True)
class Overlay:
    """A caption image placed at (x, y) between start and end (episode seconds)."""

    image: Path
    x: int
    y: int
    start: float
    end: float


@dataclass(frozen=True)
class EncodePlan:
    """Everything ffmpeg needs for one output file."""

    segments: list[Segment]
    width: int
    height: int
    fps: int
    preset: str = "veryfast"
    overlays: list[Overlay] = field(default_factory=list)
    crf: int = 23
    threads: int = 0

    @property
    def duration(self) -> float:
        """Total seconds (sum of the segments)."""
        return round(sum(s.duration for s in self.segments), 6)


YUV = "scale=out_color_matrix=bt709:out_range=tv,format={fmt}"
TAGS = "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709"


def _segment_filter(i: int, seg: Segment, plan: EncodePlan) -> str:
    frames = round(seg.duration * plan.fps)
    chain = [YUV.format(fmt="yuv420p"), f"loop=loop={frames - 1}:size=1:start=0",
             f"setpts=N/{plan.fps}/TB"]
    if seg.margin:
        m, d = seg.margin, seg.direction
        # linear drift across the whole margin: x from m-d·m to m+d·m over the shot, y a third of that
        x = f"{m}+{d}*{m}*(2*n/{max(frames - 1, 1)}-1)"
        y = f"{m}-{d}*{m // 3}*(2*n/{max(frames - 1, 1)}-1)"
        chain.append(f"crop={plan.width}:{plan.height}:x='{x}':y='{y}'")
    chain.append("setsar=1")
    return f"[{i}:v]{','.join(chain)}[s{i}]"


def build_command(plan: EncodePlan, out_path: Path, ffmpeg: str | None = None) -> list[str]:
    """The ffmpeg argument list (pure: tests read it, `encode` runs it)."""
    exe = ffmpeg or imageio_ffmpeg.get_ffmpeg_exe()
    args = [exe, "-y", "-hide_banner", "-loglevel", "error", "-nostdin"]
    for seg in plan.segments:
        args += ["-i", str(seg.image)]
    for ov in plan.overlays:
        args += ["-i", str(ov.image)]
    audio_index = len(plan.segments) + len(plan.overlays)
    args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    graph = [_segment_filter(i, seg, plan) for i, seg in enumerate(plan.segments)]
    labels = "".join(f"[s{i}]" for i in range(len(plan.segments)))
    graph.append(f"{labels}concat=n={len(plan.segments)}:v=1:a=0[v0]")
    last = "v0"
    for k, ov in enumerate(plan.overlays):
        idx = len(plan.segments) + k
        graph.append(f"[{idx}:v]{YUV.format(fmt='yuva420p')}[c{k}]")
        graph.append(f"[{last}][c{k}]overlay=x={ov.x}:y={ov.y}:eof_action=repeat:"
                     f"enable='between(t,{ov.start:.4f},{ov.end - 0.5 / plan.fps:.4f})'[v{k + 1}]")
        last = f"v{k + 1}"
    graph.append(f"[{last}]{TAGS}[vout]")
    args += ["-filter_complex", ";".join(graph), "-map", "[vout]", "-map", f"{audio_index}:a",
             "-t", f"{plan.duration:.4f}", "-r", str(plan.fps),
             "-c:v", "libx264", "-preset", plan.preset, "-crf", str(plan.crf), "-pix_fmt", "yuv420p",
             "-threads", str(plan.threads),
             "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
             "-c:a", "aac", "-b:a", "64k", "-ar", str(AUDIO_RATE),
             "-movflags", "+faststart", "-f", "mp4", str(out_path)]
    return args


def encode(plan: EncodePlan, out_path: Path, ffmpeg: str | None = None, timeout: float | None = None) -> Path:
    """Write the file under a temp name and rename it, so a killed render never leaves a half file behind."""
    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.part")
    try:
        proc = subprocess.run(build_command(plan, tmp, ffmpeg), capture_output=True, text=True, timeout=timeout,
                              check=False)
        if proc.returncode != 0 or not tmp.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
            raise EncodeError(f"ffmpeg exited {proc.returncode} writing {out_path.name}: {tail}")
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return out_path
