"""A Pillow font that sets a mixed-script string as runs, each in a face that has its glyphs.

It is a FreeTypeFont (the look's face is its primary face) whose measuring and drawing methods lay the string out
as script runs (tools.render.script_runs) on one shared baseline. Because Pillow's ImageDraw.text/textlength/
textbbox call exactly these methods, every existing call site — cards, captions, covers, the board, campaign
graphics, word wrapping and fitting — draws and measures mixed strings correctly without changing how it calls
Pillow. Right-to-left runs are shaped and ordered by raqm when Pillow has it; without raqm a right-to-left run is
drawn with its characters reversed (Hebrew reads correctly, Arabic letters are then not joined).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tools.render.script_runs import Run, layout_runs


@dataclass(frozen=True)
class Placed:
    """A run positioned on the line: `x` is its pen position from the line's left edge, `width` its advance."""

    run: Run
    face: ImageFont.FreeTypeFont
    x: float
    width: float


class MixedFont(ImageFont.FreeTypeFont):
    """Draws each script of a string in the first candidate face that covers it (faces[0] is the look's own).

    `metric_faces` are the faces the string this font was chosen for needs; line height (getmetrics) is the
    largest ascent and descent among them, so stacked lines never overlap whichever face a run uses.
    `base_rtl` is that string's paragraph direction: the lines it is wrapped into keep it (a wrapped line that
    happens to start with a Hebrew word is still part of a left-to-right paragraph); None decides per string.
    """

    def __init__(self, faces: Sequence[ImageFont.FreeTypeFont], coverage: Sequence[frozenset[int]],
                 metric_faces: Sequence[int], base_rtl: bool | None = None,
                 resize: Callable[[int], MixedFont] | None = None) -> None:
        primary = faces[0]
        super().__init__(primary.path, primary.size, primary.index, primary.encoding, primary.layout_engine)
        self.faces = tuple(faces)
        self.coverage = tuple(coverage)
        self.metric_faces = tuple(sorted(set(metric_faces) | {0}))
        self.raqm = all(f.layout_engine == ImageFont.Layout.RAQM for f in faces)
        self.base_rtl = base_rtl
        self.resize = resize
        self._runs = lru_cache(maxsize=2048)(self._layout)

    # ---- layout -------------------------------------------------------------------------------------------------
    def _covers(self, face: int, ch: str) -> bool:
        return ord(ch) in self.coverage[face]

    def _layout(self, text: str, direction: str | None) -> tuple[Placed, ...]:
        base = self.base_rtl if direction not in ("rtl", "ltr") else direction == "rtl"
        placed: list[Placed] = []
        x = 0.0
        for run in layout_runs(text, self._covers, len(self.faces), base):
            face = self.faces[run.face]
            width = face.getlength(*self._args(run))
            placed.append(Placed(run, face, x, width))
            x += width
        return tuple(placed)

    def _args(self, run: Run) -> tuple[str, str, str | None]:
        """(text, mode, direction) for a run: raqm shapes it in its direction; basic layout gets it reversed."""
        if self.raqm:
            return run.text, "", "rtl" if run.rtl else "ltr"
        return (run.text[::-1] if run.rtl else run.text), "", None

    def runs(self, text: str, direction: str | None = None) -> tuple[Placed, ...]:
        """The runs of `text` in drawing order with their pen positions (tests and layout code can inspect them)."""
        return self._runs(text, direction)

    # ---- the FreeTypeFont interface Pillow's ImageDraw uses ------------------------------------------------------
    def getmetrics(self) -> tuple[int, int]:
        metrics = [self.faces[i].getmetrics() for i in self.metric_faces]
        return max(a for a, _ in metrics), max(d for _, d in metrics)

    def getlength(self, text: str | bytes, mode: str = "", direction: str | None = None,
                  features: list[str] | None = None, language: str | None = None) -> float:
        text = text.decode() if isinstance(text, bytes) else text
        return sum(p.width for p in self._runs(text, direction))

    def _box(self, text: str, direction: str | None, features: list[str] | None, language: str | None,
             stroke_width: float, anchor: str | None) -> tuple[float, float, tuple[Placed, ...],
                                                                tuple[float, float, float, float]]:
        """(pen x of the first run, baseline y, runs, ink box) relative to the anchor point."""
        anchor = anchor or "la"
        if len(anchor) != 2 or anchor[0] not in "lmr" or anchor[1] not in "amsdtb":
            raise ValueError(f"anchor '{anchor}' is not supported for horizontal mixed-script text")
        placed = self._runs(text, direction)
        boxes = []
        for p in placed:
            t, _, d = self._args(p.run)
            boxes.append(p.face.getbbox(t, "", d, features, language, stroke_width, "ls"))
        total = sum(p.width for p in placed)
        x0 = {"l": 0.0, "m": -total / 2, "r": -total}[anchor[0]]
        ascent, descent = self.getmetrics()
        top = min((b[1] for b in boxes), default=0)
        bottom = max((b[3] for b in boxes), default=0)
        baseline = {"a": ascent, "s": 0, "d": -descent, "m": (ascent - descent) / 2, "t": -top,
                    "b": -bottom}[anchor[1]]
        ink = (min((x0 + p.x + b[0] for p, b in zip(placed, boxes, strict=True)), default=x0),
               baseline + top,
               max((x0 + p.x + b[2] for p, b in zip(placed, boxes, strict=True)), default=x0),
               baseline + bottom)
        return x0, baseline, placed, ink

    def getbbox(self, text: str | bytes, mode: str = "", direction: str | None = None,
                features: list[str] | None = None, language: str | None = None, stroke_width: float = 0,
                anchor: str | None = None) -> tuple[float, float, float, float]:
        text = text.decode() if isinstance(text, bytes) else text
        if not text:
            return super().getbbox(text, mode, None, features, language, stroke_width, anchor)
        _, _, _, (left, top, right, bottom) = self._box(text, direction, features, language, stroke_width, anchor)
        return math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)

    def getmask2(self, text: str | bytes, mode: str = "", direction: str | None = None,
                 features: list[str] | None = None, language: str | None = None, stroke_width: float = 0,
                 anchor: str | None = None, ink: int = 0, start: tuple[float, float] | None = None,
                 *args: Any, **kwargs: Any) -> tuple[Image.core.ImagingCore, tuple[int, int]]:
        """One bitmap holding every run, each drawn by its own face on the shared baseline."""
        text = text.decode() if isinstance(text, bytes) else text
        if mode == "RGBA":
            raise ValueError("embedded colour fonts are not supported for mixed-script text")
        if not text:
            return super().getmask2(text, mode, None, features, language, stroke_width, anchor, ink, start,
                                    *args, **kwargs)
        x0, baseline, placed, (left, top, right, bottom) = self._box(text, direction, features, language,
                                                                     stroke_width, anchor)
        fx, fy = start or (0.0, 0.0)
        ox, oy = math.floor(left), math.floor(top)
        canvas = Image.new("1" if mode == "1" else "L", (math.ceil(right) - ox + 2, math.ceil(bottom) - oy + 2), 0)
        draw = ImageDraw.Draw(canvas)
        for p in placed:
            t, _, d = self._args(p.run)
            draw.text((x0 + p.x - ox + fx, baseline - oy + fy), t, font=p.face, fill=255, anchor="ls",
                      direction=d, features=features, language=language, stroke_width=stroke_width, stroke_fill=255)
        return canvas.im, (ox, oy)

    def getmask(self, text: str | bytes, mode: str = "", *args: Any, **kwargs: Any) -> Image.core.ImagingCore:
        return self.getmask2(text, mode, *args, **kwargs)[0]

    def font_variant(self, font: Any = None, size: float | None = None, index: int | None = None,
                     encoding: str | None = None, layout_engine: ImageFont.Layout | None = None
                     ) -> ImageFont.FreeTypeFont:
        """The same faces at another size (any other override would drop the fallback faces, so it is refused)."""
        if font is not None or index is not None or encoding is not None or layout_engine is not None:
            raise ValueError("a mixed-script font can only be re-sized")
        if self.resize is None:
            raise ValueError("this mixed-script font was built without a way to re-size it")
        return self.resize(int(size if size is not None else self.size))
