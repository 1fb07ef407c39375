"""Campaign graphics text (issue 13 §5): CJK/Arabic/Hebrew drawn without tofu, and the quote graphic's text never
runs into the bottom edge — measured on the PNG as the lowest row that is not background."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from agent.domain import EpisodeScript, LeadLock, Line, LookSpec, Palette, PersonaBrief
from tests.tools.test_fonts import glyph_is_tofu
from tools.campaign.carousel import make_carousel
from tools.campaign.quote import make_quote
from tools.render.colour import hex_to_rgb
from tools.render.layers import load_portrait

LOOK = LookSpec(palette=Palette(background="#14121F", primary="#F2C14E", accent="#E4572E", text="#FFFFFF"),
                logo_text="")  # no logo: every ink below the lead's card is the graphic's text
LONG = ("Everything you promised me under the hospital lights tonight was a carefully rehearsed extraordinary "
        "misunderstanding, wasn't it")


def _script(line: str, title: str = "The Lighthouse Night", speaker: str = "Maya") -> EpisodeScript:
    return EpisodeScript(number=3, title=title, cold_open="Maya wakes at dawn.", beat="A letter.",
                         cliffhanger="Who left it?", product_moment="", lines=[Line(speaker=speaker, text=line)])


def _lowest_ink_row(path: Path, background: str) -> int:
    """The lowest pixel row that differs from the background colour (anti-aliased edges included)."""
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    ink = np.abs(pixels - np.array(hex_to_rgb(background))).sum(axis=2) > 24
    rows = np.nonzero(ink.any(axis=1))[0]
    return int(rows.max())


def _side_ink(path: Path, background: str, band: int) -> bool:
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    ink = np.abs(pixels - np.array(hex_to_rgb(background))).sum(axis=2) > 24
    return bool(ink[:, :band].any() or ink[:, -band:].any())


@pytest.mark.parametrize(("line", "title", "season"), [
    (LONG, "The Lighthouse Night That Nobody In The Building Will Ever Talk About Again", "Night Shift: Season One"),
    ("A" * 12 + " " + "Unbreakablemisunderstandingsofeverykind " * 3, "Ep", "Night Shift"),  # very long words
    ("あなたが約束したことは全部、病院の明かりの下で練習した嘘だったのね。そうでしょう？本当のことを言って。",
     "灯台の夜", "ルーメン珈琲 夜勤"),  # no spaces at all
])
def test_quote_text_stays_clear_of_the_bottom_and_the_sides(tmp_path: Path, lead_lock: LeadLock, line: str,
                                                             title: str, season: str) -> None:
    out = make_quote(_script(line, title), LOOK, load_portrait(Path(lead_lock.portrait_path)), PersonaBrief(),
                     "Maya", season, tmp_path / "q.png")
    lowest = _lowest_ink_row(out.files[0], LOOK.palette.background)
    assert 1080 - 1 - lowest >= 40, f"text ink reaches row {lowest} of 1080 (needs ≥ 40 px clear at the bottom)"
    assert not _side_ink(out.files[0], LOOK.palette.background, 24), "text touches a side edge"


def test_a_short_quote_keeps_its_big_size(tmp_path: Path, lead_lock: LeadLock) -> None:
    """Fitting only shrinks what would not fit: a short line still fills the space as before."""
    short = make_quote(_script("Put it back. Now."), LOOK, load_portrait(Path(lead_lock.portrait_path)),
                       PersonaBrief(), "Maya", "Night Shift", tmp_path / "s.png")
    long = make_quote(_script(LONG), LOOK, load_portrait(Path(lead_lock.portrait_path)), PersonaBrief(), "Maya",
                      "Night Shift", tmp_path / "l.png")
    assert _lowest_ink_row(short.files[0], LOOK.palette.background) < _lowest_ink_row(long.files[0],
                                                                                       LOOK.palette.background)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, object]]]:
    """Every (string, font) the campaign graphics draw — the real draw call, observed."""
    seen: list[tuple[str, object]] = []
    original = ImageDraw.ImageDraw.text

    def text(self, xy, text, fill=None, font=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((str(text), font))
        return original(self, xy, text, fill, font, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    yield seen


@pytest.mark.parametrize("brand", ["夜灯 Lumen", "ルーメン珈琲", "루멘", "مصباح", "מנורה"])  # with Latin in the same lines
def test_campaign_graphics_draw_every_script_without_tofu(tmp_path: Path, lead_lock: LeadLock, brand: str,
                                                          drawn: list[tuple[str, object]]) -> None:
    portrait = load_portrait(Path(lead_lock.portrait_path))
    look = LOOK.model_copy(update={"logo_text": brand})
    scripts = [_script(f"{brand} knows what you did", f"{brand} Night", speaker=brand.split()[0]),
               _script("Where were you?", "Night 4").model_copy(update={"number": 4})]
    make_quote(scripts[0], look, portrait, PersonaBrief(), "Maya", f"{brand}: Night Shift", tmp_path / "q.png")
    make_carousel(scripts, 4, look, portrait, PersonaBrief(), f"{brand}: Night Shift", tmp_path, "c")
    strings = [(s, f) for s, f in drawn if any(ord(ch) > 0x2FF for ch in s if ch not in "“”—·…’‘")]
    assert strings, "the brand was drawn somewhere"
    tofu = [(s, ch) for s, font in strings for ch in s if not ch.isspace() and glyph_is_tofu(font, ch)]
    assert not tofu, f"drawn as empty boxes: {tofu[:5]}"
