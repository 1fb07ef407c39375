"""Continuity check of a finished render: is it the right format, the same lead, the same look, clean copy?

Run after every render and shown on the review card, so a reviewer sees at a glance whether episode 7 still
looks and sounds like episode 1. Every check reads the real file (probed facts, decoded frames), never the
request's intentions. Geometry comes from tools.render.layout, i.e. it checks what the local renderer draws.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from pydantic import BaseModel, Field

from agent.domain import MAX_EPISODE_SECONDS
from agent.ports import RenderOutput, RenderRequest
from tools.portrait import hamming, image_hash, phash
from tools.render.colour import dominant_colours, nearest_delta_e, rgb_to_hex
from tools.render.layout import Box, background_probes, portrait_box
from tools.render.probe import VideoFacts, grab_frame, integrated_loudness, probe
from tools.render.timing import build_timeline

MIN_SECONDS = 1.0
LEAD_MAX_DISTANCE = 10  # phash bits; the same portrait re-encoded scores ≲ 4, another face ≳ 18
PALETTE_MAX_DELTA_E = 10.0
CARD_INSET = 0.12  # compare the inside of the card: corners are rounded and the crop drifts
LOUDNESS_RANGE = (-16.0, -12.0)  # LUFS; voiced renders aim at -14 (short-form feeds normalise around it)


class Check(BaseModel):
    """One named check and what it found."""

    name: str
    passed: bool
    detail: str


class ContinuityReport(BaseModel):
    """All checks of one render; `summary()` is the line on the Slack review card."""

    passed: bool
    checks: list[Check] = Field(default_factory=list)
    voiced: bool = False
    # drama renders: per character / location the ΔE of each shot, and the product's (what the card's figures say)
    figures: dict[str, list[float | None]] = Field(default_factory=dict)
    shots: list[dict] = Field(default_factory=list)  # drama renders: number, type, characters, location, camera

    def summary(self) -> str:
        """One line: all good, or which checks failed and why."""
        ok = sum(c.passed for c in self.checks)
        if self.passed:
            return f"✅ continuity {ok}/{len(self.checks)}: " + " · ".join(c.detail for c in self.checks)
        failed = [c for c in self.checks if not c.passed]
        return f"❌ continuity {ok}/{len(self.checks)} — " + "; ".join(f"{c.name}: {c.detail}" for c in failed)


def check_format(request: RenderRequest, facts: VideoFacts) -> Check:
    """Size, frame rate, codecs, pixel format and BT.709 tagging are what the platforms expect."""
    problems = []
    if (facts.width, facts.height) != (request.width, request.height):
        problems.append(f"{facts.width}×{facts.height} (want {request.width}×{request.height})")
    if abs(facts.fps - request.fps) > 0.01:
        problems.append(f"{facts.fps:g} fps (want {request.fps})")
    if facts.video_codec != "h264":
        problems.append(f"video {facts.video_codec} (want h264)")
    if facts.pixel_format != "yuv420p":
        problems.append(f"pixels {facts.pixel_format} (want yuv420p)")
    if "bt709" not in facts.colour:
        problems.append(f"colour tags '{facts.colour}' (want bt709)")
    if facts.audio_codec != "aac":
        problems.append(f"audio {facts.audio_codec or 'missing'} (want aac)")
    detail = "; ".join(problems) or f"{facts.width}×{facts.height} {facts.fps:g}fps h264/aac yuv420p bt709"
    return Check(name="format", passed=not problems, detail=detail)


def check_duration(facts: VideoFacts, output: RenderOutput) -> Check:
    """Between 1 s and TikTok's two minutes, and what the renderer said it made."""
    d = facts.duration_s
    ok = MIN_SECONDS <= d < MAX_EPISODE_SECONDS and abs(d - output.duration_s) <= 0.2
    detail = f"{d:.1f} s" if ok else f"{d:.1f} s (want {MIN_SECONDS:g}–{MAX_EPISODE_SECONDS} s, " \
                                      f"renderer reported {output.duration_s:.1f} s)"
    return Check(name="duration", passed=ok, detail=detail)


def _inset(box: Box, fraction: float) -> Box:
    dx, dy = int(box.w * fraction), int(box.h * fraction)
    return Box(box.x + dx, box.y + dy, box.w - 2 * dx, box.h - 2 * dy)


def _locked_hash(portrait: Image.Image) -> int:
    side = min(portrait.size)
    square = ImageOps.fit(portrait.convert("RGB"), (side, side))
    inner = _inset(Box(0, 0, side, side), CARD_INSET)
    return phash(square.crop(inner.as_tuple()))


def check_lead(request: RenderRequest, output: RenderOutput, frames: dict[str, np.ndarray]) -> list[Check]:
    """The locked portrait file is intact, and the face in every shot is that portrait."""
    path = Path(request.lead.portrait_path)
    if not path.is_file():
        return [Check(name="lead", passed=False, detail=f"locked portrait {path} is missing")]
    checks = []
    intact = image_hash(path) == request.lead.portrait_hash
    checks.append(Check(name="lead lock", passed=intact,
                        detail="portrait matches its lock" if intact else
                        f"portrait file changed since {request.lead.name} was locked"))
    with Image.open(path) as img:
        reference = _locked_hash(img)
    distances = {}
    for shot, frame in frames.items():
        box = _inset(portrait_box(request.look.framing, shot, output.width, output.height), CARD_INSET)
        crop = frame[box.y:box.bottom, box.x:box.right]
        distances[shot] = hamming(reference, phash(crop))
    worst = max(distances.values())
    ok = worst <= LEAD_MAX_DISTANCE
    where = ", ".join(f"{s} {d}" for s, d in distances.items())
    detail = f"{request.lead.name} in {len(distances)} shots (Δ≤{worst})" if ok else \
        f"{request.lead.name} not recognised (phash distance {where}; limit {LEAD_MAX_DISTANCE})"
    checks.append(Check(name="lead", passed=ok, detail=detail))
    return checks


def check_palette(request: RenderRequest, output: RenderOutput, frames: list[np.ndarray]) -> Check:
    """Dominant colours of the background patches are the locked background colour (CIE76 ΔE in Lab).

    Only the background patches are sampled, and held to the background colour alone: the lead's card brings
    its own colours by design, and a test against "any palette colour or any portrait colour" would let a
    wrong background through whenever it happens to sit near the text colour or a skin tone.
    """
    allowed = [request.look.palette.background]
    worst, worst_colour, worst_near = 0.0, "", ""
    for frame in frames:
        patches = np.concatenate([frame[b.y:b.bottom, b.x:b.right].reshape(-1, 3)
                                  for b in background_probes(output.width, output.height)])
        for rgb, _share in dominant_colours(patches):
            d, near = nearest_delta_e(rgb, allowed)
            if d > worst:
                worst, worst_colour, worst_near = d, rgb_to_hex(rgb), near
    ok = worst <= PALETTE_MAX_DELTA_E
    detail = f"palette ΔE≤{worst:.1f}" if ok else \
        f"background {worst_colour} is ΔE {worst:.0f} from the locked background {worst_near} (" \
        f"limit {PALETTE_MAX_DELTA_E:g})"
    return Check(name="palette", passed=ok, detail=detail)


def on_screen_text(request: RenderRequest) -> list[str]:
    """Every piece of copy the viewer reads: lines (or the narrated beats), title, cliffhanger, next label."""
    script = request.script
    texts = [line.text for line in script.lines] or [script.cold_open, script.beat, script.cliffhanger]
    texts += [script.title, script.cliffhanger]
    if request.next_episode_label:
        texts.append(request.next_episode_label)
    return texts


def find_banned(texts: list[str], banned: list[str]) -> dict[str, int]:
    """Whole-word, case-insensitive hits per banned word or phrase ("ass" does not match "class")."""
    hits: dict[str, int] = {}
    for word in banned:
        word = word.strip()
        if not word:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        count = sum(len(pattern.findall(t)) for t in texts)
        if count:
            hits[word] = count
    return hits


def check_banned(request: RenderRequest) -> Check:
    """Zero banned words in anything shown on screen."""
    hits = find_banned(on_screen_text(request), request.banned_words)
    if not hits:
        return Check(name="banned words", passed=True, detail="0 banned words")
    listed = ", ".join(f"'{w}'×{n}" for w, n in hits.items())
    return Check(name="banned words", passed=False, detail=f"{sum(hits.values())} banned: {listed}")


def check_audio(output: RenderOutput) -> Check:
    """Loudness when there is a voice; a silent render is fine, and says how its captions are paced."""
    if not output.voiced:
        return Check(name="audio", passed=True, detail="silent — captions timed at reading speed")
    lufs = integrated_loudness(output.video_path)
    if lufs is None:
        return Check(name="audio", passed=False, detail="voiced render has no measurable audio")
    low, high = LOUDNESS_RANGE
    ok = low <= lufs <= high
    spoken = f"voiced by {output.voice} · " if output.voice else "voiced · "
    return Check(name="audio", passed=ok,
                 detail=spoken + f"{lufs:.1f} LUFS" + ("" if ok else f" (want {low:g} to {high:g} LUFS)"))


def sample_times(request: RenderRequest, output: RenderOutput | None = None) -> tuple[dict[str, float], list[float]]:
    """Mid-shot times for the lead, and those plus the title and end cards for the palette.

    The windows come from the render itself when it says where its parts are (a voiced render is paced by its
    speech); otherwise from the reading-pace timeline, which is what a silent render uses.
    """
    if output is not None and output.windows:
        mid = {name: round((a + b) / 2, 3) for name, (a, b) in output.windows.items()}
        cards = [mid.pop("title"), mid.pop("end")] if "title" in mid and "end" in mid else []
        return mid, sorted([*mid.values(), *cards])
    timeline = build_timeline(request.script, fps=request.fps)
    shots = {s.name: round((s.start + s.end) / 2, 3) for s in timeline.shots}
    cards = [round(timeline.title_end / 2, 3), round((timeline.end_start + timeline.duration) / 2, 3)]
    return shots, sorted([*shots.values(), *cards])


def check_render(request: RenderRequest, output: RenderOutput) -> ContinuityReport:
    """Run every check against the real file and gather them into one report."""
    facts = probe(output.video_path)
    if output.shots:
        return check_drama(request, output, facts)
    checks = [check_format(request, facts), check_duration(facts, output)]
    lead_times, palette_times = sample_times(request, output)
    decoded = {t: grab_frame(output.video_path, t, output.width, output.height) for t in palette_times}
    checks += check_lead(request, output, {shot: decoded[t] for shot, t in lead_times.items()})
    checks.append(check_palette(request, output, list(decoded.values())))
    checks.append(check_banned(request))
    checks.append(check_audio(output))
    return ContinuityReport(passed=all(c.passed for c in checks), checks=checks, voiced=output.voiced)


def _per(name: str, what: str, deltas: dict[str, list[float]], limit: float) -> list[Check]:
    checks = []
    for key, values in deltas.items():
        worst = max(values)
        ok = worst <= limit
        detail = f"{key} in {len(values)} shots (ΔE≤{worst:.1f})" if ok else \
            f"{key} does not match its {what} in {sum(v > limit for v in values)} of {len(values)} shots " \
            f"(ΔE {', '.join(f'{v:.0f}' for v in values)}; limit {limit:g})"
        checks.append(Check(name=f"{name} {key}", passed=ok, detail=detail))
    return checks


def check_drama(request: RenderRequest, output: RenderOutput, facts: VideoFacts) -> ContinuityReport:
    """A drama render: format, every character, every location, the product, the end card, copy and sound."""
    from tools.continuity_cast import (
        CHARACTER_MAX_DE,
        LOCATION_MAX_DE,
        PRODUCT_MAX_DE,
        character_deltas,
        location_deltas,
        lock_problems,
        product_deltas,
    )

    checks = [check_format(request, facts), check_duration(facts, output)]
    frames = {shot["number"]: grab_frame(output.video_path, round(sum(shot["window"]) / 2, 3), output.width,
                                         output.height) for shot in output.shots}
    lead_file = Path(request.lead.portrait_path)
    intact = lead_file.is_file() and image_hash(lead_file) == request.lead.portrait_hash
    problems = lock_problems(request)
    checks.append(Check(name="locks", passed=intact and not problems,
                        detail="lead portrait and references match their locks" if intact and not problems else
                        "; ".join(([] if intact else [f"{request.lead.name}'s portrait changed since it was locked"])
                                  + problems)))
    people, places = character_deltas(output, frames), location_deltas(output, frames)
    checks += _per("character", "appearance lock", people, CHARACTER_MAX_DE)
    checks += _per("location", "reference", places, LOCATION_MAX_DE)
    product = product_deltas(output, frames)
    if product:
        bad = [n for n, d in product if d is None or d > PRODUCT_MAX_DE]
        shown = [d for _n, d in product if d is not None]
        checks.append(Check(name="product", passed=not bad,
                            detail=f"product visible in {len(product)} shots (ΔE≤{max(shown):.1f})" if not bad else
                            f"product not recognisable in shot(s) {', '.join(map(str, bad))}"))
    distinct = len({(s["type"], s["location"], tuple(c["name"] for c in s["characters"])) for s in output.shots})
    on_screen = {c["name"] for s in output.shots for c in s["characters"]}
    checks.append(Check(name="storyboard", passed=distinct >= 6 and len(on_screen) >= 2,
                        detail=f"{len(output.shots)} shots ({distinct} distinct), {len(on_screen)} characters, "
                               f"{len({s['location'] for s in output.shots})} locations"))
    end = output.windows.get("end")
    if end:
        checks.append(check_palette(request, output, [grab_frame(output.video_path, round(sum(end) / 2, 3),
                                                                 output.width, output.height)]))
    checks.append(check_banned(request))
    checks.append(check_audio(output.model_copy(update={"voiced": True, "voice": output.voice or "music only"})))
    figures = {f"character:{k}": list(v) for k, v in people.items()}
    figures.update({f"location:{k}": list(v) for k, v in places.items()})
    if product:
        figures["product"] = [d for _n, d in product]
    shots = [{"number": s["number"], "type": s["type"], "location": s["location"], "camera": s["camera"],
              "characters": [c["name"] for c in s["characters"]], "product": s["product"],
              "window": [round(v, 2) for v in s["window"]]} for s in output.shots]
    return ContinuityReport(passed=all(c.passed for c in checks), checks=checks, voiced=output.voiced,
                            figures=figures, shots=shots)
