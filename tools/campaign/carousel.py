"""Recap carousel: 4–8 slides (1080×1350 PNG) telling the story so far up to one episode, without its cliffhanger.

The story is built only from episodes numbered up to the one being recapped, whatever list it is handed, so a recap
can never leak a later episode; the recapped episode itself contributes its cold open and beat, never its
cliffhanger (that is what the viewer should go and watch).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from agent.domain import EpisodeScript, LookSpec, PersonaBrief
from tools.campaign.asset import CAROUSEL, AssetOutput, check_copy
from tools.campaign.canvas import brand_mark, label, lead_card, new_canvas, rule, save_png, text_block

WIDTH, HEIGHT = 1080, 1350
MIN_SLIDES, MAX_SLIDES = 4, 8
MAX_STORY_SLIDES = MAX_SLIDES - 2  # a title slide and a call-to-action slide frame the story
SUMMARY_CHARS = 170


@dataclass(frozen=True)
class Slide:
    """One slide's copy: a small heading, the body, and whether the lead's card sits on it."""

    heading: str
    body: str
    portrait: bool = False


def _clip(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Shorten at a word boundary (a slide holds a few lines, not a script)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def story_items(scripts: list[EpisodeScript], upto: int) -> list[tuple[str, str]]:
    """(heading, text) beats of the story so far: earlier episodes in full, episode `upto` without its ending."""
    known = sorted((s for s in scripts if s.number <= upto), key=lambda s: s.number)
    items: list[tuple[str, str]] = []
    for script in known:
        if script.number < upto:
            items.append((f"Ep {script.number} · {script.title}", _clip(f"{script.cold_open} {script.beat}")))
        else:
            items.append((f"Ep {script.number} · {script.title}", _clip(script.cold_open)))
            items.append((f"Ep {script.number} · then", _clip(script.beat)))
    return items


def _span(first: str, last: str) -> str:
    """'Ep 2 · A', 'Ep 4 · B' → 'Ep 2–4' (or 'Ep 4' when both halves are one episode)."""
    a, b = first.split(" · ")[0], last.split(" · ")[0]
    return a if a == b else f"{a}–{b.removeprefix('Ep ')}"


def build_slides(scripts: list[EpisodeScript], upto: int, season_title: str) -> list[Slide]:
    """The slide copy: title, the story packed into at most six slides, and a cliffhanger-free call to action."""
    current = next((s for s in scripts if s.number == upto), None)
    if current is None:
        raise ValueError(f"no script for episode {upto}")
    items = story_items(scripts, upto)
    groups, extra = divmod(len(items), min(MAX_STORY_SLIDES, len(items)))
    story, start = [], 0
    for index in range(min(MAX_STORY_SLIDES, len(items))):  # older episodes share slides when the season is long
        group = items[start:start + groups + (1 if index < extra else 0)]
        start += len(group)
        heading = group[0][0] if len(group) == 1 else _span(group[0][0], group[-1][0])
        story.append(Slide(heading, " ".join(text for _h, text in group)))
    slides = [Slide("The story so far", f"{season_title}: everything that happened up to Ep {upto}.",
                    portrait=True), *story,
              Slide(f"Ep {upto} · {current.title}", "How does it end? Watch the episode — the last seconds "
                    "change everything.", portrait=True)]
    while len(slides) < MIN_SLIDES:  # only reachable with a one-line season; keep the format's minimum
        slides.insert(-1, Slide("Previously", story[-1].body if story else current.cold_open))
    return slides[:MAX_SLIDES]


def _draw(slide: Slide, index: int, total: int, look: LookSpec, portrait: Image.Image) -> Image.Image:
    canvas, draw = new_canvas(look, WIDTH, HEIGHT)
    cx, width = WIDTH // 2, int(WIDTH * 0.84)
    if slide.portrait:
        y = lead_card(canvas, portrait, look, cx, int(HEIGHT * 0.12), int(WIDTH * 0.40))
    else:
        y = label(draw, look, "The story so far", cx, int(HEIGHT * 0.20), 40, look.palette.accent, width) + 60
    y = text_block(draw, look, slide.heading, cx, y, width, [64, 56, 50, 44], 2, look.palette.primary)
    rule(draw, look, cx, y + 16, 110, 10)
    text_block(draw, look, slide.body, cx, y + 80, width, [62, 56, 50, 44, 40, 36], 9 if not slide.portrait else 5,
               look.palette.text, bold=False)
    label(draw, look, f"{index} / {total}", cx, int(HEIGHT * 0.92), 34, look.palette.accent, width)
    brand_mark(canvas, look)
    return canvas


def make_carousel(scripts: list[EpisodeScript], upto: int, look: LookSpec, portrait: Image.Image,
                  bible: PersonaBrief, season_title: str, out_dir: Path, stem: str
                  ) -> AssetOutput:
    """Write `{stem}_01.png` … and return them with the slide copy (which is what the lint saw)."""
    out = AssetOutput(CAROUSEL, [], "")
    slides = [Slide(out.absorb(check_copy(s.heading, bible, f"slide {i + 1} heading")),
                    out.absorb(check_copy(s.body, bible, f"slide {i + 1}")), s.portrait)
              for i, s in enumerate(build_slides(scripts, upto, season_title))]
    for i, slide in enumerate(slides, start=1):
        out.files.append(save_png(_draw(slide, i, len(slides), look, portrait), out_dir / f"{stem}_{i:02d}.png"))
    out.text = "\n".join(f"{i}. {s.heading} — {s.body}" for i, s in enumerate(slides, start=1))
    out.meta = {"slides": len(slides), "size": [WIDTH, HEIGHT], "upto": upto}
    return out
