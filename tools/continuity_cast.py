"""Continuity for drama renders: every character, every location and the product, checked in the real frames.

For each shot a frame is decoded at mid-shot, where every camera move passes through a known view of the shot's
still (tools.render.camera.view_at; the renderer reports it with the placements). Each check maps a reference
image (the character's head and shoulders, the location's set, the product) through that view onto the frame and
measures the mean colour distance (CIE76 ΔE) over the pixels the reference really covers — not under a caption,
the logo, the title, or someone standing in front. The same character re-encoded scores a few ΔE; a different
face, wardrobe or set scores tens. Figures are reported per character, so the card says whose shots drifted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from agent.ports import RenderOutput, RenderRequest
from tools.portrait import image_hash
from tools.render.colour import rgb_to_lab
from tools.render.layout import logo_box

CHARACTER_MAX_DE = 14.0
LOCATION_MAX_DE = 12.0
PRODUCT_MAX_DE = 14.0
CAPTION_BAND = (0.58, 0.88)  # fractions of the height the caption track may cover
MIN_PIXELS = 150
NO_BACKDROP = {"insert", "product-hero"}  # these soften or darken the set on purpose


def _to_frame(box: list[int] | tuple[int, ...], view: list[float], width: int) -> tuple[float, float, float, float]:
    """A box in still pixels → the same box in frame pixels at the mid-shot view."""
    vx, vy, vw, _vh = view
    k = width / vw
    x, y, w, h = box
    return ((x - vx) * k, (y - vy) * k, w * k, h * k)


def _blocked(shape: tuple[int, int], shot: dict, first: bool, upto: int | None = None) -> np.ndarray:
    """Pixels of the frame no reference can be judged on: captions, logo, the opening title, later figures."""
    h, w = shape
    mask = np.zeros((h, w), dtype=bool)
    mask[int(h * CAPTION_BAND[0]):int(h * CAPTION_BAND[1]), :] = True
    logo = logo_box(w, h)
    mask[max(0, logo.y - 10):logo.bottom + 10, max(0, logo.x - 10):min(w, logo.right + 10)] = True
    if first:
        mask[: int(h * 0.26), : int(w * 0.72)] = True
    view = shot["mid_view"]
    later = shot["figures"][upto + 1:] if upto is not None else shot["figures"]
    boxes = [f["box"] for f in later] + ([shot["product_box"]] if shot.get("product_box") else [])
    for box in boxes:
        x, y, bw, bh = _to_frame(box, view, w)
        mask[max(0, int(y)):max(0, int(y + bh)), max(0, int(x)):max(0, int(x + bw))] = True
    return mask


def _masked_delta(frame: np.ndarray, ref: Image.Image, box: tuple[float, float, float, float],
                  blocked: np.ndarray) -> float | None:
    """Mean ΔE between the frame and an RGBA reference drawn into `box`, over its opaque, visible pixels."""
    h, w = frame.shape[:2]
    x, y, bw, bh = (round(v) for v in box)
    if bw < 8 or bh < 8:
        return None
    scaled = ref.convert("RGBA").resize((bw, bh), Image.Resampling.BILINEAR)
    alpha = np.asarray(scaled.getchannel("A").filter(ImageFilter.MinFilter(7))) > 200
    rgb = np.asarray(scaled.convert("RGB"), dtype=np.float64)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    if x1 <= x0 or y1 <= y0:
        return None
    sub_alpha = alpha[y0 - y:y1 - y, x0 - x:x1 - x] & ~blocked[y0:y1, x0:x1]
    if sub_alpha.sum() < MIN_PIXELS:
        return None
    got = frame[y0:y1, x0:x1][sub_alpha].astype(np.float64)
    want = rgb[y0 - y:y1 - y, x0 - x:x1 - x][sub_alpha]
    return float(np.linalg.norm(rgb_to_lab(got) - rgb_to_lab(want), axis=-1).mean())


def character_deltas(output: RenderOutput, frames: dict[int, np.ndarray]) -> dict[str, list[float]]:
    """name → ΔE of each shot the character faces the camera in (head and shoulders vs its reference)."""
    from tools.render.figures import REFERENCE_H

    found: dict[str, list[float]] = {}
    refs: dict[str, Image.Image] = {}
    for n, shot in enumerate(output.shots):
        frame = frames.get(shot["number"])
        if frame is None:
            continue
        for i, fig in enumerate(shot["figures"]):
            path = output.references.get(f"char:{fig['name']}")
            if fig["back"] or not path:
                continue
            if path not in refs:
                with Image.open(path) as img:
                    refs[path] = img.copy()
            x, y, w, h = fig["box"]
            box = _to_frame((x, y, w, round(h * REFERENCE_H)), shot["mid_view"], output.width)
            d = _masked_delta(frame, refs[path], box, _blocked(frame.shape[:2], shot, n == 0, upto=i))
            if d is not None:
                found.setdefault(fig["name"], []).append(round(d, 1))
    return found


def location_deltas(output: RenderOutput, frames: dict[int, np.ndarray]) -> dict[str, list[float]]:
    """location → ΔE of the set's visible pixels in each of its shots vs its reference (quarter resolution)."""
    found: dict[str, list[float]] = {}
    q = 4
    for n, shot in enumerate(output.shots):
        frame = frames.get(shot["number"])
        path = output.references.get(f"loc:{shot['location']}")
        if frame is None or not path or shot["type"] in NO_BACKDROP:
            continue
        vx, vy, vw, vh = shot["mid_view"]
        with Image.open(path) as img:
            ref = img.convert("RGB").crop((round(vx), round(vy), round(vx + vw), round(vy + vh)))
        small = (output.width // q, output.height // q)
        want = np.asarray(ref.resize(small, Image.Resampling.BILINEAR), dtype=np.float64)
        got = np.asarray(Image.fromarray(frame).resize(small, Image.Resampling.BILINEAR), dtype=np.float64)
        blocked = _blocked(frame.shape[:2], shot, n == 0)[::q, ::q][: small[1], : small[0]]
        keep = ~blocked
        if keep.sum() < MIN_PIXELS:
            continue
        d = np.linalg.norm(rgb_to_lab(got[keep]) - rgb_to_lab(want[keep]), axis=-1).mean()
        found.setdefault(shot["location"], []).append(round(float(d), 1))
    return found


def product_deltas(output: RenderOutput, frames: dict[int, np.ndarray]) -> list[tuple[int, float | None]]:
    """(shot number, ΔE of the product's pixels vs its reference) for every product shot; None = not visible."""
    path = output.references.get("product")
    out: list[tuple[int, float | None]] = []
    for shot in output.shots:
        if not shot["product"]:
            continue
        frame = frames.get(shot["number"])
        if frame is None or not path or not shot.get("product_box"):
            out.append((shot["number"], None))
            continue
        with Image.open(path) as img:
            ref = img.copy()
        box = _to_frame(shot["product_box"], shot["mid_view"], output.width)
        blocked = _blocked(frame.shape[:2], {**shot, "figures": [], "product_box": None}, False)
        out.append((shot["number"], _masked_delta(frame, ref, box, blocked)))
    return out


def lock_problems(request: RenderRequest) -> list[str]:
    """Locked reference files that changed since they were locked (character and location locks)."""
    problems = []
    for lock in [*request.characters, *request.locations]:
        if lock.image_path and lock.image_hash:
            path = Path(lock.image_path)
            if not path.is_file() or image_hash(path) != lock.image_hash:
                problems.append(f"{getattr(lock, 'name', '')} reference changed since it was locked")
    return problems
