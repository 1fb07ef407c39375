"""Teaser clip: a 5–10 s vertical cut of the approved episode's cold open (or cliffhanger) closing on a
"New episode <day>" card in the locked look — an MP4 like the episodes.

It is cut from the approved episode file itself (so it shows exactly what was approved, captions and all) and the
end card is drawn by the render engine's own `end_card`, then one ffmpeg run joins them with the same encoder
settings and BT.709 tags the episodes use.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import imageio_ffmpeg

from agent.domain import EpisodeScript, LookSpec, PersonaBrief, Storyboard
from tools.campaign.asset import TEASER, AssetOutput, check_copy
from tools.campaign.canvas import save_png
from tools.render.encode import AUDIO_RATE, TAGS, YUV, EncodeError
from tools.render.layers import end_card
from tools.render.probe import probe
from tools.render.timing import build_timeline, snap

CARD_S = 2.0
BODY_MIN, BODY_MAX = 3.0, 8.0  # + the card = 5–10 s
SOURCES = ("cold_open", "cliffhanger")


def day_label(publish_at: datetime, timezone: str) -> str:
    """'Friday 4 Dec, 6 pm' in the season's time zone (what a viewer reads on the card)."""
    local = publish_at.astimezone(ZoneInfo(timezone))
    hour = local.strftime("%I").lstrip("0") + (f":{local:%M}" if local.minute else "")
    return f"{local:%A} {local.day} {local:%b}, {hour} {local.strftime('%p').lower()}"


def shot_windows(windows: Mapping[str, Sequence[float]] | None) -> list[tuple[str, float, float]]:
    """The render's reported shot windows ("shot01" … in order), without the end card; [] when it reported none."""
    shots = sorted((k, float(v[0]), float(v[1])) for k, v in (windows or {}).items() if k.startswith("shot"))
    return [(k, a, b) for k, a, b in shots if b > a]


def cut_window(script: EpisodeScript, source: str, fps: int,
               windows: Mapping[str, Sequence[float]] | None = None) -> tuple[float, float]:
    """(start, length) in the episode file of the shot to tease, stretched or trimmed to 3–8 s of story.

    An animatic episode reports where its shots really are (`windows`: its storyboard and voiced pacing decide
    them, not the script's reading-speed timeline): the cold open is its first shot, the cliffhanger its last,
    and the cut never reaches into the end card.
    """
    if source not in SOURCES:
        raise ValueError(f"a teaser cuts the {' or the '.join(SOURCES)}, not '{source}'")
    shots = shot_windows(windows)
    if shots:
        story_start, story_end = shots[0][1], float((windows or {}).get("end", (shots[-1][2],))[0])
        _name, first_start, first_end = shots[0] if source == "cold_open" else shots[-1]
        length = snap(min(max(first_end - first_start, BODY_MIN), BODY_MAX), fps)
        start = first_start if source == "cold_open" else max(story_start, snap(story_end - length, fps))
        return start, min(length, snap(story_end - start, fps))
    timeline = build_timeline(script, fps=fps)
    shot = timeline.shots[0] if source == "cold_open" else timeline.shots[-1]
    length = snap(min(max(shot.duration, BODY_MIN), BODY_MAX), fps)
    start = shot.start if source == "cold_open" else max(timeline.title_end, snap(timeline.end_start - length, fps))
    return start, min(length, snap(timeline.end_start - start, fps))


def build_command(video: Path, card: Path, start: float, length: float, out: Path, *, fps: int, width: int,
                  height: int, preset: str, has_audio: bool) -> list[str]:
    """The ffmpeg arguments (pure, so tests can read them): trimmed episode + looped card → H.264 + AAC."""
    total = length + CARD_S
    args = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error", "-nostdin",
            "-ss", f"{start:.4f}", "-t", f"{length:.4f}", "-i", str(video),
            "-loop", "1", "-framerate", str(fps), "-t", f"{CARD_S:.4f}", "-i", str(card)]
    if not has_audio:
        args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
    audio_in = "[0:a]" if has_audio else "[2:a]"
    graph = ";".join([
        f"[0:v]fps={fps},scale={width}:{height},setsar=1,format=yuv420p,setpts=PTS-STARTPTS,settb=AVTB[body]",
        f"[1:v]fps={fps},{YUV.format(fmt='yuv420p')},setsar=1,setpts=PTS-STARTPTS,settb=AVTB[card]",
        f"[body][card]concat=n=2:v=1:a=0,{TAGS}[vout]",
        f"{audio_in}atrim=0:{length:.4f},asetpts=PTS-STARTPTS,apad[aout]",
    ])
    return args + ["-filter_complex", graph, "-map", "[vout]", "-map", "[aout]", "-t", f"{total:.4f}",
                   "-r", str(fps), "-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p",
                   "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
                   "-c:a", "aac", "-b:a", "64k", "-ar", str(AUDIO_RATE), "-movflags", "+faststart", "-f", "mp4",
                   str(out)]


def shown_lines(script: EpisodeScript, start: float, length: float, fps: int,
                windows: Mapping[str, Sequence[float]] | None, storyboard: Storyboard | None) -> list[str]:
    """The caption texts the cut shows: from the storyboard's shots inside the cut when the render reported its
    windows (every line of the script when it reported windows but no shots), else the script's timeline."""
    shots = shot_windows(windows)
    if not shots:
        return [c.text for c in build_timeline(script, fps=fps).captions if c.start < start + length and c.end > start]
    if storyboard is None:
        return [line.text for line in script.lines]
    inside = {int(name[4:]) for name, a, b in shots if a < start + length and b > start and name[4:].isdigit()}
    return [line.text for shot in storyboard.shots if shot.number in inside for line in shot.lines]


def make_teaser(video: Path, script: EpisodeScript, look: LookSpec, bible: PersonaBrief, *, day: str | None,
                out_path: Path, source: str = "cold_open", fps: int = 30, preset: str = "veryfast",
                timeout: float | None = 300, windows: Mapping[str, Sequence[float]] | None = None,
                storyboard: Storyboard | None = None) -> AssetOutput:
    """Cut the teaser from the approved episode file; the card names the release day once the slot is known.

    `windows` (and `storyboard`) are what the episode's render reported, for an animatic episode."""
    out = AssetOutput(TEASER, [], "")
    title = out.absorb(check_copy(f"Ep {script.number} · {script.title}", bible, "teaser card"))
    when = out.absorb(check_copy(day or "Coming soon", bible, "teaser day"))
    start, length = cut_window(script, source, fps, windows)
    shown = shown_lines(script, start, length, fps, windows, storyboard)
    for i, text in enumerate(shown):  # the cut shows these captions: they pass the gate like any copy
        out.absorb(check_copy(text, bible, f"teaser caption {i + 1}"))
    facts = probe(video)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    with tempfile.TemporaryDirectory(prefix="cliffhanger-teaser-") as tmp_dir:
        card = save_png(end_card(look, "New episode", title, when, facts.width, facts.height),
                        Path(tmp_dir) / "card.png")
        command = build_command(video, card, start, length, tmp, fps=fps, width=facts.width, height=facts.height,
                                preset=preset, has_audio=facts.audio_codec is not None)
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
            if proc.returncode != 0 or not tmp.exists():
                tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
                raise EncodeError(f"ffmpeg exited {proc.returncode} writing {out_path.name}: {tail}")
            tmp.replace(out_path)
        finally:
            tmp.unlink(missing_ok=True)
    out.files.append(out_path)
    out.text = f"New episode {when}: {title}"
    out.meta = {"source": source, "start_s": start, "duration_s": round(length + CARD_S, 3), "day": when,
                "width": facts.width, "height": facts.height}
    return out
