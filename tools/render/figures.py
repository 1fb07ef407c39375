"""Characters as drawn figures: one appearance per speaking character, placed in scenes at any size.

A figure is vector-drawn from the same traits as the offline portrait (tools.portrait: skin, hair, face shape from
the name and seed), so the lead drawn in a scene has the face of its locked portrait. When the lead's locked
portrait is a photograph (uploaded, or from an image model) the figure wears that portrait's face in an oval
instead. Wardrobe colours come from the locked look: the lead in the primary colour, others in the accent and in
mixes of the palette. Each figure's reference image (head and shoulders on transparent) is what continuity
compares every shot against; it is locked by its content hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageOps

from agent.domain import LookSpec
from tools.portrait import _traits, image_hash
from tools.render.colour import hex_to_rgb, rgb_to_hex

# proportions in units of the figure's full height (head top = 0, feet = 1)
HEAD_TOP, HEAD_H, HEAD_W = 0.0, 0.14, 0.105
SHOULDER_Y, HIP_Y = 0.17, 0.55
REFERENCE_H = 0.30  # the reference image shows head and shoulders: the top 30 % of the figure
SS = 2  # supersampling: Pillow's shapes are not anti-aliased


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """Linear blend of two colours (t=0 → a)."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def wardrobe(look: LookSpec, index: int) -> list[str]:
    """Top and trousers for the index-th character (0 = the lead), all from the palette."""
    p = look.palette
    bg, prim, acc, text = (hex_to_rgb(c) for c in (p.background, p.primary, p.accent, p.text))
    tops = [prim, acc, mix(text, acc, 0.45), mix(prim, acc, 0.5), mix(text, bg, 0.35), mix(prim, text, 0.5)]
    top = tops[index % len(tops)]
    bottom = mix(bg, text, 0.18 + 0.1 * (index % 3))
    return [rgb_to_hex(top), rgb_to_hex(bottom)]


@dataclass
class Appearance:
    """How one character looks: traits for the face, wardrobe colours, and an optional photo face (the lead)."""

    name: str
    seed: int
    colours: list[str]
    face: Image.Image | None = None

    def traits(self) -> dict[str, Any]:
        """The portrait traits for this name and seed (the lead's match its locked portrait)."""
        return _traits(self.name, self.seed)


def character_seed(name: str) -> int:
    """A stable seed for a supporting character (sha256, not hash(): that changes per process)."""
    return int.from_bytes(hashlib.sha256(f"cast:{name.strip().lower()}".encode()).digest()[:4], "big")


def draw_figure(look: Appearance, height: int, back: bool = False) -> Image.Image:
    """The character standing, `height` px from head top to feet, on transparent (back=True: seen from behind)."""
    t = look.traits()
    ss = SS if height <= 2200 else 1  # a figure bigger than the frame is sharp enough drawn once, and 4× lighter
    h = height * ss
    w = int(h * 0.42)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    cx = w / 2
    top, bottom = (hex_to_rgb(c) for c in look.colours[:2])
    skin, hair = t["skin"], t["hair"]
    # legs and shoes
    leg_w = w * 0.13
    for side in (-1, 1):
        x = cx + side * w * 0.09
        d.rounded_rectangle((x - leg_w / 2, HIP_Y * h - h * 0.02, x + leg_w / 2, h * 0.97), radius=int(leg_w / 3),
                            fill=bottom)
        d.ellipse((x - leg_w * 0.7, h * 0.955, x + leg_w * 0.7, h), fill=mix(bottom, (0, 0, 0), 0.5))
    hw, hh = HEAD_W * h, HEAD_H * h
    hy = HEAD_TOP * h + hh / 2 + h * 0.01
    if t["hair_style"] == 1 or back:  # long hair falls behind the shoulders
        d.rounded_rectangle((cx - hw * 1.2, hy - hh * 0.45, cx + hw * 1.2, hy + hh * 1.1), radius=int(hw),
                            fill=hair)
    # arms behind the torso, hands in skin tone
    arm_w = w * 0.1
    for side in (-1, 1):
        x = cx + side * w * 0.25
        d.rounded_rectangle((x - arm_w / 2, SHOULDER_Y * h + h * 0.01, x + arm_w / 2, h * 0.52),
                            radius=int(arm_w / 2), fill=mix(top, (0, 0, 0), 0.15))
        d.ellipse((x - arm_w * 0.55, h * 0.50, x + arm_w * 0.55, h * 0.56), fill=skin)
    # torso: shoulders rounded into a jacket/top
    d.rounded_rectangle((cx - w * 0.27, SHOULDER_Y * h, cx + w * 0.27, HIP_Y * h), radius=int(w * 0.1), fill=top)
    if not back:
        d.polygon([(cx - w * 0.07, SHOULDER_Y * h), (cx + w * 0.07, SHOULDER_Y * h), (cx, SHOULDER_Y * h + h * 0.06)],
                  fill=mix(skin, (0, 0, 0), 0.1))
        d.line((cx, SHOULDER_Y * h + h * 0.07, cx, HIP_Y * h - h * 0.02), fill=mix(top, (0, 0, 0), 0.25),
               width=max(2, int(w * 0.012)))
    # neck and head
    d.rectangle((cx - hw * 0.28, hy + hh * 0.3, cx + hw * 0.32, SHOULDER_Y * h + h * 0.01), fill=mix(skin, (0, 0, 0),
                                                                                                    0.12))
    box = (cx - hw, hy - hh / 2, cx + hw, hy + hh / 2)
    if back:
        d.ellipse(box, fill=hair)
    elif look.face is not None:
        _photo_face(img, look.face, box)
    else:
        _drawn_face(d, t, cx, hy, hw, hh)
    return img if ss == 1 else img.resize((w // ss, height), Image.Resampling.LANCZOS)


def _photo_face(img: Image.Image, face: Image.Image, box: tuple[float, float, float, float]) -> None:
    """A photo portrait's face in the head oval (the locked portrait is the lead's face)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    side = min(face.size)
    square = ImageOps.fit(face.convert("RGB"), (side, side))
    crop = square.crop((int(side * 0.2), int(side * 0.08), int(side * 0.8), int(side * 0.78)))
    crop = crop.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
    mask = Image.new("L", crop.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, crop.width - 1, crop.height - 1), fill=255)
    img.paste(crop, (x0, y0), mask)


def _drawn_face(d: ImageDraw.ImageDraw, t: dict[str, Any], cx: float, cy: float, fw: float, fh: float) -> None:
    """The portrait's face (tools.portrait._figure's proportions) scaled to this head."""
    hair = t["hair"]
    rx, ry = fw * 0.82, fh / 2
    d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=t["skin"])
    if t["hair_style"] == 0:
        d.chord((cx - rx * 1.05, cy - ry * 1.12, cx + rx * 1.05, cy + ry * 0.35), 180, 360, fill=hair)
    elif t["hair_style"] == 2:
        d.ellipse((cx - rx * 0.45, cy - ry * 1.55, cx + rx * 0.45, cy - ry * 0.75), fill=hair)
        d.chord((cx - rx * 1.02, cy - ry * 1.05, cx + rx * 1.02, cy + ry * 0.1), 180, 360, fill=hair)
    elif t["hair_style"] == 3:
        d.pieslice((cx - rx * 1.1, cy - ry * 1.15, cx + rx * 1.3, cy + ry * 0.5), 170, 350, fill=hair)
    else:
        d.chord((cx - rx * 1.08, cy - ry * 1.1, cx + rx * 1.08, cy + ry * 0.2), 180, 360, fill=hair)
    gap, ey = t["eye_gap"] / t["face_w"] * rx, cy - ry * 0.05
    lw = max(1, int(rx / 25))
    for ex in (cx - gap, cx + gap):
        d.ellipse((ex - rx * 0.22, ey - ry * 0.09, ex + rx * 0.22, ey + ry * 0.09), fill=(250, 250, 250))
        d.ellipse((ex - rx * 0.1, ey - ry * 0.08, ex + rx * 0.1, ey + ry * 0.08), fill=(40, 30, 30))
        d.line((ex - rx * 0.25, ey - ry * 0.22, ex + rx * 0.22, ey - ry * 0.25), fill=hair, width=lw * 2)
    d.line((cx, ey + ry * 0.05, cx - rx * 0.08, cy + ry * 0.3, cx + rx * 0.04, cy + ry * 0.33),
           fill=mix(t["skin"], (0, 0, 0), 0.25), width=lw)
    d.arc((cx - rx * 0.35, cy + ry * 0.3, cx + rx * 0.35, cy + ry * 0.62), 20, 160, fill=(150, 50, 60), width=lw * 2)


def reference_image(look: Appearance, height: int = 1200) -> Image.Image:
    """Head and shoulders on transparent: the character's locked appearance reference."""
    fig = draw_figure(look, height)
    return fig.crop((0, 0, fig.width, int(height * REFERENCE_H)))


def reference_box(fig_box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Where the reference (head and shoulders) sits inside a placed figure's box (x, y, w, h)."""
    x, y, w, h = fig_box
    return x, y, w, int(h * REFERENCE_H)


def write_reference(look: Appearance, out_path: Path) -> tuple[Path, str]:
    """Write the reference PNG (atomically) and return it with its lock (sha256)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    reference_image(look).save(tmp, format="PNG")
    tmp.replace(out_path)
    return out_path, image_hash(out_path)
