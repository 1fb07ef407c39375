"""Frame geometry shared by the renderer and the continuity checker.

Continuity must look where the renderer drew (the lead's card, a patch of pure background), so both read the
boxes from here instead of each hard-coding pixels. Everything scales from a 1080×1920 design grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.domain import Framing

SHOTS = ("cold_open", "beat", "cliffhanger")
# The card pushes in shot by shot: the escalation is felt without any per-frame scaling cost.
SHOT_ZOOM = {"cold_open": 1.0, "beat": 1.07, "cliffhanger": 1.14}
DRIFT_FRACTION = 0.022  # the still layer is this much larger on each side; the crop drifts across it


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in output-frame pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """x + w."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """y + h."""
        return self.y + self.h

    def shifted(self, dx: int, dy: int) -> Box:
        """The same box moved (used to place frame boxes on the oversized drift layer)."""
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def as_tuple(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) as Pillow wants it."""
        return (self.x, self.y, self.right, self.bottom)


def drift_margin(width: int) -> int:
    """Extra pixels on each side of a shot layer; an even number so yuv420p crops stay chroma-aligned."""
    return round(width * DRIFT_FRACTION / 2) * 2


def portrait_box(framing: Framing, shot: str, width: int, height: int) -> Box:
    """Where the lead's square card sits in the frame for a shot (centre of the drift)."""
    base = 0.62 if framing == Framing.CENTER else 0.52
    side = round(width * base * SHOT_ZOOM.get(shot, 1.0))
    cx = width / 2 if framing == Framing.CENTER else width / 3
    cy = height * 0.345
    return Box(round(cx - side / 2), round(cy - side / 2), side, side)


def caption_centre(width: int, height: int) -> tuple[int, int]:
    """Centre point of the caption block (lower third, clear of the card and of the probes)."""
    return width // 2, int(height * 0.72)


def caption_max_width(width: int) -> int:
    """Widest a caption box may be."""
    return int(width * 0.88)


def logo_box(width: int, height: int) -> Box:
    """Top-right corner slot for the brand mark."""
    w, h = int(width * 0.34), int(height * 0.055)
    return Box(width - w - int(width * 0.04), int(height * 0.025), w, h)


def background_probes(width: int, height: int) -> list[Box]:
    """Patches that show only the look's background in every shot and card (the honest palette sample).

    The card, captions and logo carry other colours by design; these patches must not, so a background drawn
    in the wrong colour cannot hide behind the lead's own colours.
    """
    return [
        Box(int(width * 0.05), int(height * 0.87), int(width * 0.90), int(height * 0.09)),
        Box(int(width * 0.05), int(height * 0.03), int(width * 0.40), int(height * 0.07)),
    ]
