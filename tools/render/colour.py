"""Colour maths for palette adherence: sRGB → CIELAB and ΔE (CIE76), dominant colours of a patch (numpy only)."""

from __future__ import annotations

import numpy as np
from PIL import ImageColor

_D65 = np.array([0.95047, 1.0, 1.08883])
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """'#RRGGBB' → (r, g, b)."""
    r, g, b = ImageColor.getrgb(value)[:3]
    return r, g, b


def rgb_to_hex(rgb: np.ndarray | tuple[float, float, float]) -> str:
    """(r, g, b) → '#RRGGBB'."""
    r, g, b = (round(float(c)) for c in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (…×3, 0–255) to CIELAB under D65."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e76(lab_a: np.ndarray, lab_b: np.ndarray) -> np.ndarray:
    """Euclidean distance in Lab (≈2.3 is a just-noticeable difference)."""
    return np.linalg.norm(np.asarray(lab_a) - np.asarray(lab_b), axis=-1)


def dominant_colours(pixels: np.ndarray, min_share: float = 0.05, levels: int = 8
                     ) -> list[tuple[np.ndarray, float]]:
    """Colours covering at least `min_share` of the pixels: (mean RGB of the bin, share), largest first.

    A coarse histogram (levels per channel) is enough: we ask "which colours dominate", not "exactly which".
    """
    flat = np.asarray(pixels, dtype=np.uint8).reshape(-1, 3)
    step = 256 // levels
    q = (flat // step).astype(np.int64)
    keys = q[:, 0] * levels * levels + q[:, 1] * levels + q[:, 2]
    counts = np.bincount(keys, minlength=levels ** 3)
    total = flat.shape[0]
    out = []
    for key in np.argsort(counts)[::-1]:
        share = counts[key] / total
        if share < min_share:
            break
        out.append((flat[keys == key].mean(axis=0), float(share)))
    return out


def nearest_delta_e(rgb: np.ndarray, allowed_hex: list[str]) -> tuple[float, str]:
    """ΔE from a colour to the closest allowed colour, and which one that was."""
    allowed = np.array([hex_to_rgb(h) for h in allowed_hex], dtype=np.float64)
    d = delta_e76(rgb_to_lab(np.asarray(rgb, dtype=np.float64)[None, :]), rgb_to_lab(allowed))
    i = int(np.argmin(d))
    return float(d[i]), allowed_hex[i]
