"""Locations drawn offline: a café, an office, an apartment, a street at night, a shop, a gym, a lobby.

Each is a flat-shaded set in the locked palette (walls from the background colour, light from the primary, props
from the accent and from mixes with the text colour), so every location belongs to the same show and a change of
place still reads at a glance. Drawing is deterministic: the same (kind, palette, size) gives the same pixels,
and the written reference image's content hash is the location's lock. `DrawnLocations` is the offline
LocationPainter (agent.ports); a keyed painter (Gemini) falls back to it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from agent.domain import LocationKind, LocationLock, LookSpec
from agent.ports import LocationPainter
from tools.portrait import image_hash
from tools.render.colour import hex_to_rgb
from tools.render.figures import mix

RGB = tuple[int, int, int]
FLOOR_Y = 0.66  # where the wall meets the floor, as a fraction of the height


class Tones:
    """The palette, and the mixes a set is painted with."""

    def __init__(self, look: LookSpec) -> None:
        p = look.palette
        self.bg, self.prim, self.acc, self.text = (hex_to_rgb(c) for c in (p.background, p.primary, p.accent,
                                                                            p.text))
        self.wall = mix(self.bg, self.text, 0.12)
        self.wall_dark = mix(self.bg, (0, 0, 0), 0.25)
        self.floor = mix(self.bg, self.acc, 0.18)
        self.wood = mix(self.acc, self.bg, 0.45)
        self.light = mix(self.prim, self.text, 0.35)
        self.glass = mix(self.bg, self.prim, 0.22)
        self.metal = mix(self.text, self.bg, 0.55)


def _gradient(w: int, h: int, top: RGB, bottom: RGB) -> Image.Image:
    ramp = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    arr = np.asarray(top, np.float32) * (1 - ramp) + np.asarray(bottom, np.float32) * ramp
    return Image.fromarray(np.repeat(arr, w, axis=1).astype(np.uint8))


def _room(w: int, h: int, t: Tones, wall: RGB | None = None) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """Wall gradient over a floor gradient, with a skirting line; returns the image, a pen and the floor y."""
    fy = int(h * FLOOR_Y)
    img = _gradient(w, h, mix(wall or t.wall, t.text, 0.06), wall or t.wall)
    img.paste(_gradient(w, h - fy, t.floor, mix(t.floor, (0, 0, 0), 0.35)), (0, fy))
    d = ImageDraw.Draw(img)
    d.rectangle((0, fy - h // 160, w, fy), fill=mix(t.floor, t.text, 0.25))
    return img, d, fy


def _window(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], t: Tones, night: bool, panes: int = 2) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=mix(t.bg, (0, 0, 0), 0.4) if night else t.glass, outline=t.metal, width=max(4, (x1 - x0) // 40))
    for i in range(1, panes):
        x = x0 + (x1 - x0) * i // panes
        d.line((x, y0, x, y1), fill=t.metal, width=max(3, (x1 - x0) // 60))
    if night:
        for k in range(5):  # distant lit windows
            bx = x0 + (x1 - x0) * (k * 37 % 100) // 100
            by = y0 + (y1 - y0) * (k * 53 % 80 + 10) // 100
            d.rectangle((bx, by, bx + (x1 - x0) // 14, by + (y1 - y0) // 16), fill=t.light)


def cafe(w: int, h: int, t: Tones) -> Image.Image:
    img, d, fy = _room(w, h, t, mix(t.wood, t.bg, 0.5))
    _window(d, (int(w * 0.06), int(h * 0.14), int(w * 0.50), int(h * 0.44)), t, night=False, panes=3)
    d.rectangle((int(w * 0.56), int(h * 0.12), int(w * 0.95), int(h * 0.30)), fill=t.bg)  # menu board
    for i in range(4):
        y = int(h * (0.15 + i * 0.035))
        d.rectangle((int(w * 0.60), y, int(w * (0.80 + 0.03 * (i % 2))), y + h // 160), fill=t.text)
    for x in (0.25, 0.55, 0.82):  # hanging lamps
        cx = int(w * x)
        d.line((cx, 0, cx, int(h * 0.08)), fill=t.metal, width=4)
        d.pieslice((cx - w // 14, int(h * 0.06), cx + w // 14, int(h * 0.12)), 180, 360, fill=t.prim)
        d.ellipse((cx - w // 40, int(h * 0.085), cx + w // 40, int(h * 0.1)), fill=t.light)
    d.rectangle((0, int(h * 0.50), w, fy + h // 20), fill=t.wood)  # counter
    d.rectangle((0, int(h * 0.50), w, int(h * 0.515)), fill=mix(t.wood, t.text, 0.3))
    for x in (0.12, 0.2, 0.7):  # cups
        cx = int(w * x)
        d.rounded_rectangle((cx, int(h * 0.47), cx + w // 22, int(h * 0.50)), radius=6, fill=t.text)
    d.rounded_rectangle((int(w * 0.78), int(h * 0.40), int(w * 0.92), int(h * 0.50)), radius=12, fill=t.metal)
    return img


def office(w: int, h: int, t: Tones) -> Image.Image:
    img, d, _fy = _room(w, h, t)
    for i in range(3):  # floor-to-ceiling windows
        x0 = int(w * (0.04 + i * 0.32))
        _window(d, (x0, int(h * 0.08), x0 + int(w * 0.28), int(h * 0.5)), t, night=False, panes=2)
    d.rectangle((0, int(h * 0.53), w, int(h * 0.56)), fill=t.metal)  # desk run
    for x in (0.1, 0.42, 0.74):
        cx = int(w * x)
        d.rectangle((cx, int(h * 0.44), cx + w // 6, int(h * 0.52)), fill=t.bg, outline=t.metal, width=4)
        d.rectangle((cx + w // 60, int(h * 0.45), cx + w // 6 - w // 60, int(h * 0.51)), fill=mix(t.prim, t.bg, 0.55))
        d.rectangle((cx + w // 14, int(h * 0.52), cx + w // 10, int(h * 0.53)), fill=t.metal)
    d.rectangle((int(w * 0.86), int(h * 0.40), int(w * 0.97), int(h * 0.53)), fill=t.acc)  # a plant pot + leaves
    d.ellipse((int(w * 0.82), int(h * 0.31), int(w * 1.0), int(h * 0.42)), fill=mix(t.prim, (40, 120, 60), 0.6))
    return img


def apartment(w: int, h: int, t: Tones) -> Image.Image:
    img, d, fy = _room(w, h, t, mix(t.bg, t.prim, 0.12))
    _window(d, (int(w * 0.52), int(h * 0.12), int(w * 0.92), int(h * 0.42)), t, night=True, panes=2)
    d.rectangle((int(w * 0.5), int(h * 0.1), int(w * 0.56), int(h * 0.48)), fill=t.acc)  # curtain
    d.rounded_rectangle((int(w * 0.04), int(h * 0.46), int(w * 0.62), int(h * 0.62)), radius=30, fill=t.wood)
    d.rounded_rectangle((int(w * 0.04), int(h * 0.41), int(w * 0.62), int(h * 0.50)), radius=30,
                        fill=mix(t.wood, t.text, 0.15))  # sofa back
    for x in (0.1, 0.42):
        d.rounded_rectangle((int(w * x), int(h * 0.45), int(w * (x + 0.12)), int(h * 0.51)), radius=18, fill=t.prim)
    cx = int(w * 0.8)  # floor lamp
    d.line((cx, int(h * 0.3), cx, fy), fill=t.metal, width=8)
    d.polygon([(cx - w // 12, int(h * 0.3)), (cx + w // 12, int(h * 0.3)), (cx + w // 18, int(h * 0.24)),
               (cx - w // 18, int(h * 0.24))], fill=t.light)
    d.rectangle((int(w * 0.1), int(h * 0.16), int(w * 0.36), int(h * 0.32)), fill=t.acc, outline=t.text, width=6)
    return img


def street_night(w: int, h: int, t: Tones) -> Image.Image:
    sky_top, sky_bottom = mix(t.bg, (0, 0, 0), 0.5), mix(t.bg, t.acc, 0.25)
    img = _gradient(w, h, sky_top, sky_bottom)
    d = ImageDraw.Draw(img)
    d.ellipse((int(w * 0.72), int(h * 0.12), int(w * 0.84), int(h * 0.19)), fill=t.light)  # moon, clear of title and logo
    x = 0
    k = 0
    while x < w:  # a skyline of buildings with lit windows
        bw = int(w * (0.16 + 0.08 * (k % 3)))
        top = int(h * (0.18 + 0.08 * ((k * 7) % 4)))
        d.rectangle((x, top, x + bw, int(h * 0.68)), fill=mix(t.bg, t.text, 0.05 + 0.04 * (k % 2)))
        for r in range(top + h // 40, int(h * 0.62), h // 22):
            for c in range(x + bw // 8, x + bw - bw // 8, bw // 4):
                if (r // 7 + c // 11 + k) % 3 == 0:
                    d.rectangle((c, r, c + bw // 8, r + h // 60), fill=t.light)
        x += bw + w // 40
        k += 1
    fy = int(h * 0.68)
    img.paste(_gradient(w, h - fy, mix(t.bg, t.text, 0.1), mix(t.bg, (0, 0, 0), 0.4)), (0, fy))
    for cx in (int(w * 0.12), int(w * 0.88)):  # street lamps and their pools of light
        d.line((cx, int(h * 0.28), cx, fy + h // 20), fill=t.metal, width=10)
        d.ellipse((cx - w // 24, int(h * 0.26), cx + w // 24, int(h * 0.30)), fill=t.prim)
        d.ellipse((cx - w // 5, fy + h // 30, cx + w // 5, fy + h // 12), fill=mix(t.bg, t.prim, 0.3))
    return img


def shop(w: int, h: int, t: Tones) -> Image.Image:
    img, d, fy = _room(w, h, t, mix(t.bg, t.text, 0.2))
    for r in range(4):  # shelves stocked with the palette
        y = int(h * (0.12 + r * 0.11))
        d.rectangle((int(w * 0.04), y + int(h * 0.07), int(w * 0.96), y + int(h * 0.08)), fill=t.wood)
        for i in range(9):
            x = int(w * (0.06 + i * 0.1))
            colour = (t.prim, t.acc, t.text, mix(t.prim, t.acc, 0.5))[(i + r) % 4]
            d.rounded_rectangle((x, y + int(h * (0.02 + 0.01 * (i % 2))), x + int(w * 0.07), y + int(h * 0.07)),
                                radius=6, fill=colour)
    d.rectangle((int(w * 0.0), int(h * 0.56), int(w * 1.0), fy + h // 40), fill=t.acc)  # counter
    d.rectangle((int(w * 0.0), int(h * 0.56), int(w * 1.0), int(h * 0.57)), fill=t.light)
    return img


def gym(w: int, h: int, t: Tones) -> Image.Image:
    img, d, _fy = _room(w, h, t, mix(t.bg, t.text, 0.08))
    d.rectangle((int(w * 0.03), int(h * 0.1), int(w * 0.97), int(h * 0.5)), fill=mix(t.glass, t.text, 0.1),
                outline=t.metal, width=8)  # mirror wall
    for i in range(5):
        x = int(w * (0.05 + i * 0.19))
        d.line((x, int(h * 0.1), x + int(w * 0.12), int(h * 0.5)), fill=mix(t.glass, t.text, 0.3), width=6)
    d.rectangle((int(w * 0.06), int(h * 0.53), int(w * 0.94), int(h * 0.545)), fill=t.metal)  # dumbbell rack
    for i in range(7):
        x = int(w * (0.09 + i * 0.12))
        d.rounded_rectangle((x, int(h * 0.505), x + int(w * 0.07), int(h * 0.53)), radius=10,
                            fill=(t.acc, t.prim)[i % 2])
    for x0 in (0.0, 0.5):  # floor mats
        d.rectangle((int(w * (x0 + 0.03)), int(h * 0.8), int(w * (x0 + 0.47)), int(h * 0.86)), fill=t.acc)
    return img


def lobby(w: int, h: int, t: Tones) -> Image.Image:
    img, d, fy = _room(w, h, t, mix(t.bg, t.prim, 0.18))
    for x in (0.08, 0.78):  # pillars
        d.rectangle((int(w * x), 0, int(w * (x + 0.14)), fy), fill=mix(t.wall, t.text, 0.2))
    for i in range(2):  # elevator doors
        x0 = int(w * (0.3 + i * 0.22))
        d.rectangle((x0, int(h * 0.2), x0 + int(w * 0.18), fy), fill=t.metal, outline=t.prim, width=6)
        d.line((x0 + int(w * 0.09), int(h * 0.2), x0 + int(w * 0.09), fy), fill=t.bg, width=4)
        d.ellipse((x0 + int(w * 0.075), int(h * 0.16), x0 + int(w * 0.105), int(h * 0.18)), fill=t.light)
    d.rectangle((int(w * 0.2), int(h * 0.55), int(w * 0.8), fy + h // 30), fill=t.wood)  # reception desk
    d.rectangle((int(w * 0.2), int(h * 0.55), int(w * 0.8), int(h * 0.56)), fill=t.prim)
    return img


PAINTERS: dict[LocationKind, Callable[[int, int, Tones], Image.Image]] = {
    LocationKind.CAFE: cafe, LocationKind.OFFICE: office, LocationKind.APARTMENT: apartment,
    LocationKind.STREET_NIGHT: street_night, LocationKind.SHOP: shop, LocationKind.GYM: gym,
    LocationKind.LOBBY: lobby,
}


def paint_location(kind: LocationKind | str, look: LookSpec, width: int, height: int) -> Image.Image:
    """The location's set at this size (RGB), softened a touch so it sits behind the figures."""
    painter = PAINTERS[LocationKind(kind)]
    return painter(width, height, Tones(look)).filter(ImageFilter.GaussianBlur(radius=max(1, width // 540)))


def write_location(kind: LocationKind | str, look: LookSpec, out_path: Path, width: int = 1080,
                   height: int = 1920) -> tuple[Path, str]:
    """The location's reference image and its lock (sha256 of the PNG)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex}.part")  # two workers may paint it at once
    paint_location(kind, look, width, height).save(tmp, format="PNG")
    tmp.replace(out_path)
    return out_path, image_hash(out_path)


class DrawnLocations:
    """The offline LocationPainter: today's drawn sets, written once per (kind, palette, size) into `cache_dir`.

    The file name carries a hash of what was drawn, so a season's location keeps one reference file (its lock)
    across episodes, and the renderer's backdrop — read from that file at the same size — has the very pixels
    `paint_location` would have drawn in place.
    """

    name = "drawn"

    def __init__(self, cache_dir: Path) -> None:
        """Where reference images are kept (created on first paint)."""
        self.cache_dir = Path(cache_dir)

    def paint(self, location: LocationLock, look: LookSpec, size: tuple[int, int]) -> Path:
        """The drawn set of this location's kind in this look, exactly `size` pixels."""
        width, height = size
        spec = json.dumps({"kind": LocationKind(location.kind).value, "palette": look.palette.model_dump(mode="json"),
                           "size": [width, height], "painter": self.name}, sort_keys=True)
        digest = hashlib.sha256(spec.encode()).hexdigest()[:16]
        path = self.cache_dir / f"drawn-{LocationKind(location.kind).value}-{digest}.png"
        if not path.is_file():
            write_location(location.kind, look, path, width, height)
        return path


def lock_locations(locations: list[LocationLock], look: LookSpec, size: tuple[int, int],
                   painter: LocationPainter) -> list[LocationLock]:
    """Each location with the painter's reference image and its content hash (the lock continuity checks); a
    location that already holds a readable locked image keeps it."""
    locked = []
    for loc in locations:
        if loc.image_path and loc.image_hash and Path(loc.image_path).is_file():
            locked.append(loc)
            continue
        path = painter.paint(loc, look, size)
        locked.append(loc.model_copy(update={"image_path": str(path), "image_hash": image_hash(path)}))
    return locked
