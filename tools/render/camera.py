"""Camera moves as ffmpeg expressions over one pre-rendered still, and the same geometry in Python.

Each shot's still is drawn `margin` px larger than the frame on every side. A move only changes which W×H window
of it the viewer sees: static holds the centre; pan slides across the margin; handheld wobbles around the centre
(two incommensurate sines, so it never loops visibly); push-in and pull-out scale the still per frame (a cheap
fast-bilinear `scale` with eval=frame) and crop the centre. Every move passes through the centre view at mid-shot,
which is what continuity samples, and `view_at` gives the window at any moment so checks and contact sheets look
where ffmpeg looked.
"""

from __future__ import annotations

import math

ZOOM = 0.10  # push-in/pull-out change the scale by this much over the shot
HANDHELD = 0.55  # wobble amplitude as a fraction of the margin
_F1, _F2, _F3 = 0.55, 1.35, 0.8  # Hz


def margin_for(width: int) -> int:
    """Oversize on each side of a shot still (even, so yuv420p crops stay chroma-aligned)."""
    return round(width * 0.06 / 2) * 2


def _scale_at(move: str, u: float) -> float:
    if move == "push-in":
        return 1.0 + ZOOM * u
    if move == "pull-out":
        return 1.0 + ZOOM * (1.0 - u)
    return 1.0


def view_at(move: str, margin: int, direction: int, width: int, height: int, u: float, duration: float
            ) -> tuple[float, float, float, float]:
    """The window (x, y, w, h) of the still the viewer sees at progress u ∈ [0, 1] of the shot."""
    m = margin
    if move in ("push-in", "pull-out"):
        s = _scale_at(move, u)
        big_w, big_h = (width + 2 * m) * s, (height + 2 * m) * s
        return ((big_w - width) / 2 / s, (big_h - height) / 2 / s, width / s, height / s)
    if move == "pan":
        return (m + direction * m * (2 * u - 1), m, width, height)
    if move == "handheld":
        t = (u - 0.5) * duration
        a = m * HANDHELD
        dx = a * (math.sin(2 * math.pi * _F1 * t) + 0.5 * math.sin(2 * math.pi * _F2 * t)) / 1.5
        dy = a * 0.6 * math.sin(2 * math.pi * _F3 * t)
        return (m + dx, m + dy, width, height)
    return (m, m, width, height)


def move_filter(move: str, margin: int, direction: int, frames: int, width: int, height: int, fps: int) -> str:
    """The ffmpeg filter(s) that perform `move` on a looped still (n = frame number within the shot)."""
    m, last = margin, max(frames - 1, 1)
    u = f"(n/{last})"
    if move in ("push-in", "pull-out"):
        s = f"(1+{ZOOM}*{u})" if move == "push-in" else f"(1+{ZOOM}*(1-{u}))"
        big_w, big_h = width + 2 * m, height + 2 * m
        # crop x/y are per-frame expressions but iw/ih are fixed at start: derive the centre from n instead
        return (f"scale=w='2*trunc({big_w}*{s}/2)':h='2*trunc({big_h}*{s}/2)':eval=frame:flags=fast_bilinear,"
                f"crop={width}:{height}:x='({big_w}*{s}-{width})/2':y='({big_h}*{s}-{height})/2'")
    if move == "pan":
        return f"crop={width}:{height}:x='{m}+{direction}*{m}*(2*{u}-1)':y={m}"
    if move == "handheld":
        mid = last / fps / 2
        t = f"(n/{fps}-{mid:.4f})"
        a = m * HANDHELD
        x = f"{m}+{a:.2f}*(sin(2*PI*{_F1}*{t})+0.5*sin(2*PI*{_F2}*{t}))/1.5"
        y = f"{m}+{a * 0.6:.2f}*sin(2*PI*{_F3}*{t})"
        return f"crop={width}:{height}:x='{x}':y='{y}'"
    return f"crop={width}:{height}:x={m}:y={m}"
