"""One ffmpeg run per file: still layers → drifting crops → concat → one caption track → H.264 + AAC.

The audio is silence (anullsrc) for a silent render, or one speech track (tools.voice.wav.build_track) that the
same run brings to -14 LUFS — short-form feeds play at about that level, so episode 7 is as loud as episode 1 —
and encodes as 48 kHz stereo AAC. The gain is measured beforehand on the speech track alone (an audio-only
ebur128 pass, ~50 ms; see `speech_gain_db`): single-pass `loudnorm` was tried and lands 2–3 LU short on
dialogue with pauses (its dynamic mode needs a few seconds to settle). A look-ahead limiter keeps peaks at -1 dBFS.

Each still is decoded once and repeated by the `loop` filter (references, not copies), converted to BT.709 YUV
once, and moved only by `crop` (a pointer offset per frame). All captions travel as ONE input: an ffconcat list
of same-sized transparent PNGs, each held from its start time, laid over the picture by a single `overlay`. So
ffmpeg's memory does not grow with the number of captions (one input per caption did: +40 % at 120 s), and the
encoder is the only real per-frame cost.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

AUDIO_RATE = 48000
TARGET_LUFS = -14.0
PEAK_LIMIT = 0.89  # -1 dBFS
MAX_GAIN_DB = 30.0  # never amplify near-silence into noise


class EncodeError(RuntimeError):
    """ffmpeg failed; carries the tail of its log so the job record says why."""


@dataclass(frozen=True)
class Segment:
    """A still shown for `duration` seconds; `margin` > 0 means it is oversized and the crop drifts across it."""

    image: Path
    duration: float
    margin: int = 0
    direction: int = 1
    move: str = ""  # "" = the legacy drift; static | pan | handheld | push-in | pull-out (tools.render.camera)


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
class VideoOverlay:
    """A video clip (an avatar take) laid into a box from `start` for `duration` seconds; its audio is mixed in."""

    path: Path
    start: float
    duration: float
    box: tuple[int, int, int, int]  # x, y, w, h


@dataclass(frozen=True)
class Stamp:
    """A still RGBA image fixed to the frame (logo, title) over [start, end); None = the whole file.

    Unlike the shot stills it does not move with the camera, so a push-in never carries it off the frame.
    """

    image: Path
    x: int
    y: int
    start: float | None = None
    end: float | None = None


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
    audio: Path | None = None  # a speech WAV starting at t=0; None → silence
    audio_gain_db: float = 0.0  # applied to `audio` (speech_gain_db measures it)
    overlays: tuple[VideoOverlay, ...] = ()  # under the captions; their sound replaces silence
    x264_params: str = ""  # e.g. "me=dia:subme=1": flat-shaded drawn shots need no finer motion search
    stamps: tuple[Stamp, ...] = ()  # fixed to the frame, over the picture and under the captions

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
    if seg.move:
        from tools.render.camera import move_filter

        chain.append(move_filter(seg.move, seg.margin, seg.direction, frames, plan.width, plan.height, plan.fps))
    elif seg.margin:
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
    first_overlay = audio_index
    for overlay in plan.overlays:
        args += ["-i", str(overlay.path)]
        audio_index += 1
    first_stamp = audio_index
    for stamp in plan.stamps:
        args += ["-i", str(stamp.image)]  # one frame; overlay repeats it
        audio_index += 1
    if plan.audio is not None:
        args += ["-i", str(plan.audio)]
    else:
        args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    graph = [_segment_filter(i, seg, plan) for i, seg in enumerate(plan.segments)]
    labels = "".join(f"[s{i}]" for i in range(len(plan.segments)))
    graph.append(f"{labels}concat=n={len(plan.segments)}:v=1:a=0[v0]")
    last = "v0"
    for k, overlay in enumerate(plan.overlays):
        x, y, w, h = overlay.box
        # fill the box (scale up, centre-crop), start at the overlay's time; the clip ends where its window does
        graph.append(f"[{first_overlay + k}:v]trim=duration={overlay.duration:.6f},fps={plan.fps},"
                     f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1,"
                     f"{YUV.format(fmt='yuv420p')},setpts=PTS-STARTPTS+{overlay.start:.6f}/TB[ov{k}]")
        graph.append(f"[{last}][ov{k}]overlay=x={x}:y={y}:eof_action=pass[vo{k}]")
        last = f"vo{k}"
    for k, stamp in enumerate(plan.stamps):
        when = (f":enable='between(t,{stamp.start:.4f},{stamp.end:.4f})'"
                if stamp.start is not None and stamp.end is not None else "")
        graph.append(f"[{first_stamp + k}:v]{YUV.format(fmt='yuva420p')}[st{k}]")
        graph.append(f"[{last}][st{k}]overlay=x={stamp.x}:y={stamp.y}:eof_action=repeat{when}[vs{k}]")
        last = f"vs{k}"
    if plan.captions is not None:
        x, y = plan.caption_xy
        graph.append(f"[{len(plan.segments)}:v]{YUV.format(fmt='yuva420p')}[cap]")
        graph.append(f"[{last}][cap]overlay=x={x}:y={y}:eof_action=repeat[v1]")
        last = "v1"
    graph.append(f"[{last}]{TAGS}[vout]")
    audio_map = f"{audio_index}:a"
    if plan.audio is not None:
        # gain, then limit the peaks it pushed over -1 dBFS; pad with silence to the picture's end (-t cuts)
        graph.append(f"[{audio_index}:a]aresample={AUDIO_RATE},volume={plan.audio_gain_db:.2f}dB,"
                     f"alimiter=limit={PEAK_LIMIT}:attack=5:release=50:level=false,"
                     "aformat=channel_layouts=stereo,apad[aout]")
        audio_map = "[aout]"
    elif plan.overlays:
        mixed = []
        for k, overlay in enumerate(plan.overlays):
            delay = round(overlay.start * 1000)
            graph.append(f"[{first_overlay + k}:a]atrim=duration={overlay.duration:.6f},asetpts=PTS-STARTPTS,"
                         f"aresample={AUDIO_RATE},aformat=channel_layouts=stereo,adelay={delay}|{delay}[oa{k}]")
            mixed.append(f"[oa{k}]")
        # the takes come from elsewhere at their own level: single-pass loudnorm brings the mix toward -14 LUFS
        graph.append(f"{''.join(mixed)}amix=inputs={len(mixed)}:normalize=0,"
                     f"loudnorm=I={TARGET_LUFS:g}:TP=-1.5:LRA=11,aresample={AUDIO_RATE},apad[aout]")
        audio_map = "[aout]"
    args += ["-filter_complex", ";".join(graph), "-map", "[vout]", "-map", audio_map,
             "-t", f"{plan.duration:.4f}", "-r", str(plan.fps),
             "-c:v", "libx264", "-preset", plan.preset, "-crf", str(plan.crf), "-pix_fmt", "yuv420p",
             *(["-x264-params", plan.x264_params] if plan.x264_params else []),
             "-threads", str(plan.threads),
             "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
             "-c:a", "aac", "-b:a", "64k", "-ar", str(AUDIO_RATE),
             "-movflags", "+faststart", "-f", "mp4", str(out_path)]
    return args


def speech_gain_db(speech: Path, ffmpeg: str | None = None) -> float:
    """The gain (dB) that brings a speech track to TARGET_LUFS; 0 when it has nothing measurable."""
    from tools.render.probe import integrated_loudness

    lufs = integrated_loudness(speech, ffmpeg)
    if lufs is None or math.isnan(lufs) or lufs < -69:  # no audio, NaN, or silence (ebur128 says -70)
        return 0.0
    return round(min(TARGET_LUFS - lufs, MAX_GAIN_DB), 2)


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
