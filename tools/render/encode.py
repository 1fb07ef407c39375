"""One ffmpeg run per file: still layers → drifting crops → concat → one caption track → H.264 + silent AAC.

Each still is decoded once and repeated by the `loop` filter (references, not copies), converted to BT.709 YUV
once, and moved only by `crop` (a pointer offset per frame). All captions travel as ONE input: an ffconcat list
of same-sized transparent PNGs, each held from its start time, laid over the picture by a single `overlay`. So
ffmpeg's memory does not grow with the number of captions (one input per caption did: +40 % at 120 s), and the
encoder is the only real per-frame cost.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
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
class CaptionCue:
    """A caption canvas shown over [start, end) in the output's seconds."""

    image: Path
    start: float
    end: float


def write_caption_track(cues: list[CaptionCue], blank: Path, total: float, fps: int, path: Path) -> Path:
    """Write the ffconcat script of the caption track: `blank` (transparent, same size) fills every gap.

    Each image is one frame stamped at its start; overlay holds it until the next, so windows are exact.
    The last entry is repeated because the concat demuxer ignores the final entry's duration, and every file
    is read at the output rate: the image demuxer's default 25 fps time base would round each start late.
    """
    rate = f"option framerate {fps}"
    rows = ["ffconcat version 1.0"]
    t = 0.0
    for cue in cues:
        if cue.start > t + 1e-6:
            rows += [f"file '{blank}'", rate, f"duration {cue.start - t:.6f}"]
        rows += [f"file '{cue.image}'", rate, f"duration {cue.end - cue.start:.6f}"]
        t = cue.end
    rows += [f"file '{blank}'", rate, f"duration {max(total - t, 0.001):.6f}", f"file '{blank}'", rate]
    path.write_text("\n".join(rows) + "\n")
    return path


@dataclass(frozen=True)
class EncodePlan:
    """Everything ffmpeg needs for one output file."""

    segments: list[Segment]
    width: int
    height: int
    fps: int
    preset: str = "veryfast"
    captions: Path | None = None  # an ffconcat script written by write_caption_track
    caption_xy: tuple[int, int] = (0, 0)
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
        # read at the output rate: with the image demuxer's default 1/25 s time base, setpts would round
        # timestamps onto a 25 fps grid and the encoder would then drop and repeat frames to make 30
        args += ["-framerate", str(plan.fps), "-i", str(seg.image)]
    audio_index = len(plan.segments)
    if plan.captions is not None:
        args += ["-f", "concat", "-safe", "0", "-i", str(plan.captions)]
        audio_index += 1
    args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    graph = [_segment_filter(i, seg, plan) for i, seg in enumerate(plan.segments)]
    labels = "".join(f"[s{i}]" for i in range(len(plan.segments)))
    graph.append(f"{labels}concat=n={len(plan.segments)}:v=1:a=0[v0]")
    last = "v0"
    if plan.captions is not None:
        x, y = plan.caption_xy
        graph.append(f"[{len(plan.segments)}:v]{YUV.format(fmt='yuva420p')}[cap]")
        graph.append(f"[v0][cap]overlay=x={x}:y={y}:eof_action=repeat[v1]")
        last = "v1"
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
