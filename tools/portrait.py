"""Offline lead portraits and the image fingerprints continuity relies on.

Without an image model (no key, tests, demos) a lead still needs a face that is the same in every episode. The
portrait is a stylised head-and-shoulders illustration drawn from a seed and the lead's name, so the same
(name, seed) always gives the same pixels — and the same file hash — on any machine. `phash` is a small DCT
perceptual hash: continuity compares a crop of a rendered frame with the locked portrait through it, since video
encoding changes every byte but keeps the picture's structure.
"""

from __future__ import annotations

import colorsys
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = 1024
_SCALE = 2  # drawn at 2× and downsampled: Pillow's shapes are not anti-aliased
HASH_SIZE = 8
_HIGHFREQ = 4  # phash reads an 8×8 block of the 32×32 DCT


def _rng(name: str, seed: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{name.strip().lower()}|{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


SKIN_TONES = [(255, 224, 196), (241, 194, 160), (224, 172, 130), (198, 134, 94), (160, 102, 68), (110, 70, 46)]
HAIR_TONES = [(30, 24, 22), (70, 44, 28), (120, 80, 40), (200, 160, 90), (150, 40, 30), (90, 90, 96)]


def _traits(name: str, seed: int) -> dict[str, Any]:
    """Everything random about a portrait, drawn once so the drawing code stays declarative."""
    rng = _rng(name, seed)
    hue = float(rng.random())
    return {
        "bg_top": _hsv(hue, 0.35 + 0.3 * rng.random(), 0.85),
        "bg_bottom": _hsv(hue + 0.08, 0.55, 0.35 + 0.2 * rng.random()),
        "halo": _hsv(hue + 0.5, 0.45, 0.95),
        "halo_xy": (float(rng.uniform(0.25, 0.75)), float(rng.uniform(0.2, 0.55))),
        "halo_r": float(rng.uniform(0.18, 0.34)),
        "stripes": int(rng.integers(0, 4)),
        "skin": SKIN_TONES[int(rng.integers(len(SKIN_TONES)))],
        "hair": HAIR_TONES[int(rng.integers(len(HAIR_TONES)))],
        "hair_style": int(rng.integers(4)),
        "shirt": _hsv(hue + float(rng.uniform(0.25, 0.75)), 0.6, 0.55 + 0.3 * rng.random()),
        "face_w": float(rng.uniform(0.20, 0.26)),
        "face_h": float(rng.uniform(0.27, 0.32)),
        "eye_gap": float(rng.uniform(0.085, 0.11)),
        "tilt": float(rng.uniform(-0.03, 0.03)),
    }


def _backdrop(t: dict[str, Any], s: int) -> Image.Image:
    top, bottom = np.array(t["bg_top"], float), np.array(t["bg_bottom"], float)
    ramp = np.linspace(0.0, 1.0, s)[:, None, None]
    grad = (top * (1 - ramp) + bottom * ramp).repeat(s, axis=1).astype(np.uint8)
    img = Image.fromarray(grad)
    draw = ImageDraw.Draw(img)
    for i in range(t["stripes"]):
        x0 = int(s * (0.1 + 0.3 * i))
        draw.polygon([(x0, 0), (x0 + s // 10, 0), (x0 - s // 3, s), (x0 - s // 3 - s // 10, s)],
                     fill=tuple(int(c * 0.85) for c in t["bg_top"]))
    hx, hy = t["halo_xy"]
    r = t["halo_r"] * s
    draw.ellipse((hx * s - r, hy * s - r, hx * s + r, hy * s + r), fill=t["halo"])
    return img


def _figure(img: Image.Image, t: dict[str, Any]) -> None:
    s = img.width
    d = ImageDraw.Draw(img)
    cx = s * (0.5 + t["tilt"])
    fw, fh = t["face_w"] * s, t["face_h"] * s
    cy = s * 0.42
    hair = t["hair"]
    if t["hair_style"] == 1:  # long hair falls behind the shoulders
        d.rounded_rectangle((cx - fw * 1.25, cy - fh * 0.9, cx + fw * 1.25, cy + fh * 1.6), radius=int(fw), fill=hair)
    d.pieslice((cx - s * 0.42, s * 0.74, cx + s * 0.42, s * 1.35), 180, 360, fill=t["shirt"])  # shoulders
    d.rectangle((cx - fw * 0.35, cy + fh * 0.6, cx + fw * 0.35, s * 0.8), fill=tuple(int(c * 0.9) for c in t["skin"]))
    d.ellipse((cx - fw, cy - fh, cx + fw, cy + fh), fill=t["skin"])  # face
    if t["hair_style"] == 0:  # short crop
        d.chord((cx - fw * 1.05, cy - fh * 1.12, cx + fw * 1.05, cy + fh * 0.35), 180, 360, fill=hair)
    elif t["hair_style"] == 2:  # bun
        d.ellipse((cx - fw * 0.45, cy - fh * 1.55, cx + fw * 0.45, cy - fh * 0.75), fill=hair)
        d.chord((cx - fw * 1.02, cy - fh * 1.05, cx + fw * 1.02, cy + fh * 0.1), 180, 360, fill=hair)
    elif t["hair_style"] == 3:  # side part sweeping to one side
        d.pieslice((cx - fw * 1.1, cy - fh * 1.15, cx + fw * 1.3, cy + fh * 0.5), 170, 350, fill=hair)
    else:
        d.chord((cx - fw * 1.08, cy - fh * 1.1, cx + fw * 1.08, cy + fh * 0.2), 180, 360, fill=hair)
    gap, ey = t["eye_gap"] * s, cy - fh * 0.05
    for ex in (cx - gap, cx + gap):
        d.ellipse((ex - fw * 0.22, ey - fh * 0.09, ex + fw * 0.22, ey + fh * 0.09), fill=(250, 250, 250))
        d.ellipse((ex - fw * 0.1, ey - fh * 0.08, ex + fw * 0.1, ey + fh * 0.08), fill=(40, 30, 30))
        d.line((ex - fw * 0.25, ey - fh * 0.22, ex + fw * 0.22, ey - fh * 0.25), fill=hair, width=max(4, s // 120))
    d.line((cx, ey + fh * 0.05, cx - fw * 0.08, cy + fh * 0.3, cx + fw * 0.04, cy + fh * 0.33),
           fill=tuple(int(c * 0.75) for c in t["skin"]), width=max(3, s // 200))
    d.arc((cx - fw * 0.35, cy + fh * 0.3, cx + fw * 0.35, cy + fh * 0.62), 20, 160, fill=(150, 50, 60),
          width=max(5, s // 120))


def render_portrait(name: str, seed: int, size: int = SIZE) -> Image.Image:
    """Draw the portrait in memory (the same pixels for the same name and seed)."""
    big = size * _SCALE
    traits = _traits(name, seed)
    img = _backdrop(traits, big)
    _figure(img, traits)
    return img.resize((size, size), Image.Resampling.LANCZOS).filter(ImageFilter.SMOOTH)


def generate_portrait(name: str, seed: int, out_path: Path) -> Path:
    """Write the lead's portrait PNG (written under a temp name, then renamed, so no half file is ever seen)."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    render_portrait(name, seed).save(tmp, format="PNG", optimize=False)
    tmp.replace(out_path)
    return out_path


def image_hash(path: Path) -> str:
    """sha256 of the file's bytes: the lock that says 'this exact portrait'."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    m[0] /= np.sqrt(2.0)
    return m


def _as_image(image: Image.Image | np.ndarray | Path | str) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    if isinstance(image, np.ndarray):
        return Image.fromarray(image)
    with Image.open(image) as img:
        return img.copy()


def phash(image: Image.Image | np.ndarray | Path | str) -> int:
    """64-bit DCT perceptual hash: low frequencies of a 32×32 grey thumbnail compared with their median."""
    n = HASH_SIZE * _HIGHFREQ
    grey = _as_image(image).convert("L").resize((n, n), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    m = _dct_matrix(n)
    low = (m @ pixels @ m.T)[:HASH_SIZE, :HASH_SIZE].flatten()
    bits = low > np.median(low[1:])
    return int("".join("1" if b else "0" for b in bits), 2)


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two hashes (0 = same picture, 32 ≈ unrelated)."""
    return (a ^ b).bit_count()
