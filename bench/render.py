"""Render benchmark: the animatic engine vs a plain ffmpeg encode vs a naive moviepy composite, at 30/60/120 s.

"ours" is the default backend (tools.render.animatic): a 10-shot, 3-character episode in two locations with a
product insert and a cliffhanger close-up, music bed, captions, teaser, cover and contact sheet — at every length
the same 10 shots, each lasting a tenth of the body. `--voice espeak` synthesises the lines too (default: silent,
so the figure does not depend on which voice engine a machine has).

Why three: plain ffmpeg (a flat colour, same size, preset and audio) is the floor — the encoder alone; naive
moviepy (per-frame CompositeVideoClip of the same layers: background, zooming portrait card, caption ImageClips)
is what pipelines like MoneyPrinterTurbo do. Every measurement runs in a fresh child process, so wall time includes
start-up and the child's `resource.getrusage` gives its own peak RSS (Python) and its ffmpeg's (RUSAGE_CHILDREN).

    .venv/bin/python bench/render.py [--lengths 30 60 120] [--naive-lengths 30 60] [--preset veryfast]
                                     [--repeat 3] [--json]

With --json the last line is one JSON object: realtime_ratio, vs_ffmpeg_ratio, vs_naive_speedup (at 60 s),
rss_120_over_30 and shots_per_s (storyboard shots rendered per wall-clock second at 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.domain import (
    WORDS_PER_SECOND,
    CameraMove,
    EpisodeScript,
    FramePosition,
    InFrame,
    LeadLock,
    Line,
    LookSpec,
    Shot,
    ShotType,
    Storyboard,
)
from agent.ports import RenderRequest

SHOTS = 10
CAST = ("Maya", "Jonah", "Ivy")

LINE_WORDS = 10
FILLER = ["she", "reaches", "for", "the", "drawer", "again", "while", "the", "office", "lights", "flicker",
          "overhead", "and", "somebody", "laughs", "down", "the", "hall"]


def episode_seconds(length: int) -> float:
    """The named length, kept under the 120 s limit."""
    return min(float(length), 119.0)


def make_script(length: int) -> EpisodeScript:
    """A script whose reading-pace timeline lasts about `length` seconds (title + end card included)."""
    words = int((episode_seconds(length) - 3.5) * WORDS_PER_SECOND)
    lines = []
    for i in range(0, words, LINE_WORDS):
        n = min(LINE_WORDS, words - i)
        text = " ".join(FILLER[(i + k) % len(FILLER)] for k in range(n))
        lines.append(Line(speaker="Maya" if len(lines) % 2 == 0 else "Jonah", text=text.capitalize() + "."))
    return EpisodeScript(number=1, title="The Locked Drawer", cold_open="A warm key.", beat="It fits.",
                         cliffhanger="Inside: her own photo.", product_moment="Cold brew.", lines=lines)


def make_request(length: int, work: Path, preset: str) -> RenderRequest:
    """The same request for every approach."""
    from tools.portrait import generate_portrait, image_hash

    portrait = work / "maya.png"
    if not portrait.exists():
        generate_portrait("Maya", 7, portrait)
    lead = LeadLock(persona_id=1, name="Maya", portrait_path=str(portrait), portrait_hash=image_hash(portrait),
                    seed=7)
    script = make_script(length)
    return RenderRequest(script=script, look=LookSpec(logo_text="BREWCO"), lead=lead, storyboard=make_board(length),
                         out_dir=work / f"ours{length}", season_title="Office Secrets", preset=preset,
                         brand="BrewCo", product="BrewCo cold brew", tone="tense")


def make_board(length: int) -> Storyboard:
    """Ten shots over two locations, three characters, a product insert, a close-up cliffhanger with a sting."""
    each = round((episode_seconds(length) - 2.0) / SHOTS, 2)
    kinds = [ShotType.ESTABLISHING, ShotType.OVER_THE_SHOULDER, ShotType.INSERT, ShotType.TWO_SHOT, ShotType.SINGLE,
             ShotType.WIDE, ShotType.TWO_SHOT, ShotType.SINGLE, ShotType.REACTION, ShotType.CLOSE_UP]
    # the offline storyboard writer's mix: push-in on the hook and the cliffhanger, handheld two-shots, a pan on the
    # change of place, static singles, insert and reaction
    moves = [CameraMove.PUSH_IN, CameraMove.STATIC, CameraMove.STATIC, CameraMove.HANDHELD, CameraMove.STATIC,
             CameraMove.PAN, CameraMove.HANDHELD, CameraMove.STATIC, CameraMove.STATIC, CameraMove.PUSH_IN]
    shots = []
    for i, (kind, move) in enumerate(zip(kinds, moves, strict=True)):
        a, b = CAST[i % 3], CAST[(i + 1) % 3]
        frame = {ShotType.INSERT: [],
                 ShotType.OVER_THE_SHOULDER: [InFrame(name=b, position=FramePosition.FOREGROUND),
                                              InFrame(name=a, position=FramePosition.RIGHT)],
                 ShotType.TWO_SHOT: [InFrame(name=a, position=FramePosition.LEFT),
                                     InFrame(name=b, position=FramePosition.RIGHT)],
                 ShotType.WIDE: [InFrame(name=a, position=FramePosition.LEFT),
                                 InFrame(name=b, position=FramePosition.RIGHT)]}.get(
            kind, [InFrame(name=a, position=FramePosition.CENTER)])
        words = " ".join(FILLER[(i * 5 + k) % len(FILLER)] for k in range(6)).capitalize() + "."
        lines = [] if kind in (ShotType.INSERT, ShotType.REACTION) else [Line(speaker=a, text=words)]
        shots.append(Shot(number=i + 1, type=kind, location="cafe" if i < 5 else "office", characters=frame,
                          speaker=a, lines=lines, action="", camera=move, duration_s=each,
                          cue="sting" if i == SHOTS - 1 else "", product=kind == ShotType.INSERT))
    return Storyboard(episode=1, length_s=round(each * SHOTS, 2), shots=shots)


# --- the three approaches (each runs inside a child process) --------------------------------------------------


def run_ours(request: RenderRequest) -> float:
    """Our engine, the whole job: episode + teaser + cover + contact sheet (+ voices with --voice espeak)."""
    from tools.render.animatic import AnimaticRenderer

    voice = None
    if os.environ.get("BENCH_VOICE") == "espeak":
        from tools.voice import EspeakVoice

        voice = EspeakVoice()
    return AnimaticRenderer(voice=voice).render(request).duration_s


def run_plain(request: RenderRequest, seconds: float) -> float:
    """ffmpeg alone: a flat colour of the same size, rate, preset and silent AAC — the encoder's floor."""
    import imageio_ffmpeg

    out = request.out_dir / "plain.mp4"
    request.out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "lavfi", "-i",
                    f"color=c=0x14121F:s={request.width}x{request.height}:r={request.fps}:d={seconds}",
                    "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", f"{seconds}", "-c:v", "libx264",
                    "-preset", request.preset, "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
                    "-movflags", "+faststart", str(out)], check=True)
    return seconds


def run_naive(request: RenderRequest) -> float:
    """moviepy CompositeVideoClip of the same layers, composited frame by frame (moviepy defaults)."""
    import numpy as np
    from moviepy import CompositeVideoClip, ImageClip

    from tools.render.captions import caption_image
    from tools.render.layers import background, end_card, load_portrait, paste_card, title_card
    from tools.render.layout import Box, caption_centre, caption_max_width, portrait_box
    from tools.render.timing import build_timeline

    w, h, look = request.width, request.height, request.look
    timeline = build_timeline(request.script, fps=request.fps)
    portrait = load_portrait(Path(request.lead.portrait_path))
    box = portrait_box(look.framing, "cold_open", w, h)
    card = background(look, box.w + 40, box.h + 80)
    paste_card(card, portrait, Box(20, 20, box.w, box.h), look)
    clips = [ImageClip(np.asarray(background(look, w, h))).with_duration(timeline.duration),
             ImageClip(np.asarray(title_card(look, request.script, request.season_title, w, h)))
             .with_duration(timeline.title_end)]
    for shot in timeline.shots:
        clips.append(ImageClip(np.asarray(card)).with_start(shot.start).with_duration(shot.duration)
                     .resized(lambda t: 1.0 + 0.01 * t).with_position(("center", box.y - 20)))
    cx, cy = caption_centre(w, h)
    for cap in timeline.captions:
        img = np.asarray(caption_image(look, cap.speaker, cap.text, caption_max_width(w), is_lead=True))
        clips.append(ImageClip(img).with_start(cap.start).with_duration(cap.end - cap.start)
                     .with_position((cx - img.shape[1] // 2, cy - img.shape[0] // 2)))
    clips.append(ImageClip(np.asarray(end_card(look, "To be continued…", request.script.cliffhanger, None, w, h)))
                 .with_start(timeline.end_start).with_duration(timeline.duration - timeline.end_start))
    request.out_dir.mkdir(parents=True, exist_ok=True)
    video = CompositeVideoClip(clips, size=(w, h))
    video.write_videofile(str(request.out_dir / "naive.mp4"), fps=request.fps, codec="libx264",
                          preset=request.preset, audio=False, logger=None)
    video.close()
    return timeline.duration


def child(kind: str, length: int, work: Path, preset: str) -> None:
    """Run one approach and print its facts as JSON (wall time, video seconds, peak RSS)."""
    request = make_request(length, work, preset).model_copy(update={"out_dir": work / f"{kind}{length}"})
    if kind == "portrait":
        return
    start = time.perf_counter()
    if kind == "ours":
        seconds = run_ours(request)
    elif kind == "plain":
        seconds = run_plain(request, round(request.storyboard.length_s + 2.0, 2) if request.storyboard else length)
    else:
        seconds = run_naive(request)
    wall = time.perf_counter() - start
    me, kids_use = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids_use.ru_utime + kids_use.ru_stime
    print(json.dumps({"wall": wall, "seconds": seconds, "rss_python_mb": me.ru_maxrss / 1024,
                      "rss_ffmpeg_mb": kids_use.ru_maxrss / 1024, "cpu": cpu}))


def measure(kind: str, length: int, work: Path, preset: str) -> dict[str, float]:
    """One measurement in a fresh process (so peak RSS belongs to this run alone)."""
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(length), str(work), preset],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} {length}s failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best(old: dict[str, float] | None, new: dict[str, float]) -> dict[str, float]:
    """Fastest wall time of the repeats, largest peak RSS of them."""
    if old is None:
        return new
    keep = dict(new if new["wall"] < old["wall"] else old)
    keep["cpu"] = min(old["cpu"], new["cpu"])
    keep["rss_python_mb"] = max(old["rss_python_mb"], new["rss_python_mb"])
    keep["rss_ffmpeg_mb"] = max(old["rss_ffmpeg_mb"], new["rss_ffmpeg_mb"])
    return keep


def main() -> None:
    """Run the matrix, print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[30, 60, 120])
    parser.add_argument("--naive-lengths", type=int, nargs="*", default=[],
                        help="naive moviepy is slow (minutes); not measured unless named, e.g. --naive-lengths 30")
    parser.add_argument("--voice", choices=["silent", "espeak"], default="silent")
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run plain and ours this many times, interleaved; keep the fastest (a busy machine "
                             "only ever adds time)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, length, work, preset = args.child
        child(kind, int(length), Path(work), preset)
        return
    os.environ["BENCH_VOICE"] = args.voice
    results: dict[tuple[str, int], dict[str, float]] = {}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="cliffhanger-bench-") as tmp:
        work = Path(tmp)
        # Linux keeps a process's RSS high-water mark across fork+exec, so the parent stays lean: the portrait
        # is drawn in a child of its own, and no measured child inherits a big parent's peak
        subprocess.run([sys.executable, __file__, "--child", "portrait", "30", str(work), args.preset], check=True)
        for length in args.lengths:
            runs = ["plain", "ours"] * max(args.repeat, 1) + (["naive"] if length in args.naive_lengths else [])
            for kind in runs:
                r = measure(kind, length, work, args.preset)
                results[(kind, length)] = best(results.get((kind, length)), r)
                print(f"{kind:>5} {length:>3}s: {r['wall']:6.2f} s wall for {r['seconds']:.1f} s of video "
                      f"({r['wall'] / r['seconds']:.3f}× realtime), peak RSS python {r['rss_python_mb']:.0f} MB"
                      f" + ffmpeg {r['rss_ffmpeg_mb']:.0f} MB, {r['cpu']:.1f} CPU s", flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\npreset {args.preset}; best of {max(args.repeat, 1)}; ours = episode + teaser + cover")
    print(f"{'length':>6} {'ours/realtime':>14} {'ours/plain':>11} {'naive/ours':>11} {'peak RSS MB':>12}")
    for length in args.lengths:
        ours, plain = results[("ours", length)], results[("plain", length)]
        naive = results.get(("naive", length))
        speed = f"{naive['wall'] / ours['wall']:.1f}×" if naive else "—"
        rss = ours["rss_python_mb"] + ours["rss_ffmpeg_mb"]
        print(f"{length:>5}s {ours['wall'] / ours['seconds']:>13.3f}× {ours['wall'] / plain['wall']:>10.2f}× "
              f"{speed:>11} {rss:>12.0f}")
    if args.json:
        print(json.dumps(summary(results, args.lengths)))


def summary(results: dict[tuple[str, int], dict[str, float]], lengths: list[int]) -> dict[str, float | None]:
    """The four headline figures, at 60 s where no length is named."""
    at = 60 if 60 in lengths else lengths[0]
    ours, plain = results[("ours", at)], results[("plain", at)]
    naive = results.get(("naive", at))

    def rss(length: int) -> float | None:
        r = results.get(("ours", length))
        return r["rss_python_mb"] + r["rss_ffmpeg_mb"] if r else None

    r30, r120 = rss(30), rss(120)
    return {"realtime_ratio": round(ours["wall"] / ours["seconds"], 3),
            "vs_ffmpeg_ratio": round(ours["wall"] / plain["wall"], 3),
            "vs_naive_speedup": round(naive["wall"] / ours["wall"], 2) if naive else None,
            "rss_120_over_30": round(r120 / r30, 3) if r30 and r120 else None,
            "shots_per_s": round(SHOTS / ours["wall"], 3),
            # a shared machine stretches wall time; CPU seconds are the cost itself (both processes, all threads)
            "cpu_vs_ffmpeg_ratio": round(ours["cpu"] / plain["cpu"], 3),
            "cpu_realtime_ratio_2cores": round(ours["cpu"] / 2 / ours["seconds"], 3)}


if __name__ == "__main__":
    main()
