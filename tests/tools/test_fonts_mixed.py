"""Mixed-script strings (Latin + CJK + Arabic + Hebrew in one string) are set as per-script runs: every run is in
a face whose cmap has its characters, every run puts ink where the layout says, and text stays inside its frame
on a card, a caption and the board (issue 13 §5)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from agent.domain import CaptionStyle, EpisodeScript, Line, LookSpec, PersonaBrief
from tests.tools.test_fonts import NOTDEF, glyph_is_tofu
from tools.board import MARGIN, WIDTH, render_board
from tools.campaign.carousel import make_carousel
from tools.campaign.quote import make_quote
from tools.render.captions import caption_image
from tools.render.fonts import font_for_text, resolve_font
from tools.render.layers import title_card
from tools.render.mixed_font import MixedFont
from tools.render.text import wrap
from tools.status import EpisodeView, SeasonView

MIXED = "Café 東京 مقهى שלום"
BRANDS = [MIXED, "夜灯 Lumen مصباح מנורה", "ルーメン שלום Coffee قهوة"]


@cache
def cmap(path: str, index: int) -> frozenset[int]:
    """The face's own character map, read independently of the code under test."""
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap())


def uncovered(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """Characters of `text` the face that will draw them has no glyph for (run by run for a MixedFont)."""
    pieces = [(p.run.text, p.face) for p in font.runs(text)] if isinstance(font, MixedFont) else [(text, font)]
    return [ch for piece, face in pieces for ch in piece
            if not ch.isspace() and ord(ch) not in cmap(str(face.path), face.index)]


def ink(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L")) > 60


# ---- the runs themselves ------------------------------------------------------------------------------------------

def test_one_face_cannot_draw_the_mixed_string_so_it_is_set_as_runs() -> None:
    own = resolve_font("DejaVuSans-Bold")
    assert ord("東") not in cmap(str(own), 0)  # the look's face alone would draw tofu here (the test can fail)
    font = font_for_text(MIXED, 64)
    assert isinstance(font, MixedFont)
    runs = font.runs(MIXED)
    assert sorted("".join(p.run.text for p in runs)) == sorted(MIXED)  # every character is in a run
    assert uncovered(font, MIXED) == []
    by_text = {p.run.text.strip(): p for p in runs}
    assert Path(by_text["Café"].face.path) == own  # Latin stays in the look's face
    assert "CJK" in by_text["東京"].face.path
    rtl = [p for p in runs if p.run.rtl]
    assert rtl and {"م", "ש"} <= set("".join(p.run.text for p in rtl))


def test_runs_are_in_reading_order_left_to_right_and_right_to_left() -> None:
    font = font_for_text(MIXED, 64)
    xs = {ch: next(p.x for p in font.runs(MIXED) if ch in p.run.text) for ch in "C東"}
    assert xs["C"] < xs["東"]
    # Arabic is read first in the right-to-left block, so it sits right of (or in the same run as) the Hebrew
    arabic = next(p.x for p in font.runs(MIXED) if "م" in p.run.text)
    hebrew = next(p.x for p in font.runs(MIXED) if "ש" in p.run.text)
    assert arabic >= hebrew > xs["東"]
    # a wrapped line of that left-to-right paragraph starting with the Hebrew word keeps the paragraph's order
    paragraph = font_for_text(f"{MIXED}? Everyone says so", 64)
    runs = paragraph.runs("שלום? Everyone")
    assert "ש" in runs[0].run.text and runs[-1].run.text.startswith("? Every")
    cut = paragraph.runs("Café 東京 مقهى…")  # an ellipsis after a right-to-left word ends the English line
    assert cut[-1].run.text == "…" and not cut[-1].run.rtl
    rtl_first = "שלום Café 東京"  # a Hebrew paragraph: the Latin/CJK block goes to the left of the Hebrew word
    font = font_for_text(rtl_first, 64)
    runs = font.runs(rtl_first)
    assert "ש" in runs[-1].run.text and "C" in runs[0].run.text


@pytest.mark.parametrize("brand", BRANDS)
def test_each_run_draws_its_own_glyphs_where_the_layout_puts_it(brand: str) -> None:
    font = font_for_text(brand, 56)
    assert isinstance(font, MixedFont)
    x0, y0 = 30, 30
    whole = Image.new("L", (int(font.getlength(brand)) + 60, 160), 0)
    ImageDraw.Draw(whole).text((x0, y0), brand, font=font, fill=255)
    drawn = ink(whole)
    baseline = y0 + font.getmetrics()[0]
    for p in font.runs(brand):
        alone = Image.new("L", whole.size, 0)
        direction = "rtl" if p.run.rtl else "ltr"
        ImageDraw.Draw(alone).text((x0 + p.x, baseline), p.run.text, font=p.face, fill=255, anchor="ls",
                                   direction=direction)
        mine = ink(alone)
        assert mine.sum() > 50, f"run {p.run.text!r} drew nothing"
        assert (drawn & mine).sum() / mine.sum() > 0.97, f"run {p.run.text!r} is not where the layout says"
        boxes = Image.new("L", whole.size, 0)  # the same number of .notdef boxes in the same face
        ImageDraw.Draw(boxes).text((x0 + p.x, baseline), NOTDEF * len(p.run.text.replace(" ", "")), font=p.face,
                                   fill=255, anchor="ls")
        assert not np.array_equal(mine, ink(boxes)[:, :mine.shape[1]]), f"run {p.run.text!r} is tofu"
    assert not [ch for ch in brand if not ch.isspace() and glyph_is_tofu(font, ch)]


def test_measured_width_and_box_match_the_ink() -> None:
    font = font_for_text(MIXED, 64)
    img = Image.new("L", (1000, 200), 0)
    draw = ImageDraw.Draw(img)
    draw.text((40, 40), MIXED, font=font, fill=255)
    left, top, right, bottom = draw.textbbox((40, 40), MIXED, font=font)
    rows, cols = np.nonzero(ink(img))
    assert left - 1 <= cols.min() and cols.max() <= right + 1
    assert top - 1 <= rows.min() and rows.max() <= bottom + 1
    assert abs(font.getlength(MIXED) - (cols.max() - cols.min())) < 0.1 * font.getlength(MIXED)
    # centred anchors work the way Pillow's own fonts do
    img = Image.new("L", (1000, 200), 0)
    ImageDraw.Draw(img).text((500, 100), MIXED, font=font, fill=255, anchor="mm")
    cols = np.nonzero(ink(img).any(axis=0))[0]
    assert abs((cols.min() + cols.max()) / 2 - 500) < 8


def test_single_script_strings_keep_a_single_face() -> None:
    assert not isinstance(font_for_text("Lumen", 64), MixedFont)
    assert Path(font_for_text("Lumen", 64).path) == resolve_font("DejaVuSans-Bold")
    assert not isinstance(font_for_text("夜灯 Lumen", 64), MixedFont)  # Noto CJK has Latin too
    for text in ("مصباح", "מנורה", "ルーメン", "Lumen — 夜灯 ルーメン 2026"):
        font = font_for_text(text, 64)
        assert not isinstance(font, MixedFont) and uncovered(font, text) == []


def test_a_face_covering_both_directions_still_keeps_the_paragraph_direction_per_line() -> None:
    text = "Everyone at the counter loves שלום coffee"  # DejaVu has Latin and Hebrew
    font = font_for_text(text, 48)
    assert isinstance(font, MixedFont) and {p.face.path for p in font.runs(text)} == {str(resolve_font("DejaVuSans-Bold"))}
    line = "שלום coffee"  # a wrapped line of that English sentence: Hebrew first, then English, left to right
    runs = font.runs(line)
    assert "ש" in runs[0].run.text and "coffee" in runs[-1].run.text
    assert font.getmetrics() == ImageFont.truetype(str(resolve_font("DejaVuSans-Bold")), 48).getmetrics()


def test_wrapping_measures_mixed_runs_so_no_line_is_wider_than_its_space() -> None:
    text = f"{MIXED} {'東京の夜はとても長くて静かだった' * 2} {MIXED} Lumen Coffee"
    font = font_for_text(text, 48)
    lines = wrap(text, font, 360)
    assert len(lines) > 2 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        img = Image.new("L", (900, 120), 0)
        ImageDraw.Draw(img).text((100, 20), line, font=font, fill=255)
        cols = np.nonzero(ink(img).any(axis=0))[0]
        assert cols.max() - cols.min() <= 360 + 4, f"{line!r} is {cols.max() - cols.min()} px wide"


# ---- where the brand is drawn: card, caption, board ---------------------------------------------------------------

@dataclass
class Drawn:
    text: str
    font: ImageFont.FreeTypeFont
    canvas: tuple[int, int]
    box: tuple[int, int, int, int] | None  # the ink of this one call, drawn again alone on a blank canvas


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Drawn]]:
    """Every string drawn, with its font and its own ink box (the real call, also replayed on an empty mask)."""
    seen: list[Drawn] = []
    original = ImageDraw.ImageDraw.text
    depth = [0]  # a MixedFont draws its runs with ImageDraw too: only the outermost calls are the app's

    def text(self, xy, text, fill=None, font=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if depth[0]:
            return original(self, xy, text, fill, font, *args, **kwargs)
        depth[0] += 1
        try:
            mask = Image.new("L", self.im.size, 0)
            alone = {**kwargs, "stroke_fill": 255} if kwargs.get("stroke_width") else kwargs
            original(ImageDraw.Draw(mask), xy, text, 255, font, *args, **alone)
            seen.append(Drawn(str(text), font, self.im.size, mask.getbbox()))
            return original(self, xy, text, fill, font, *args, **kwargs)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    yield seen


def _check(drawn: list[Drawn], brand_chars: set[str], margin: int) -> None:
    with_brand = [d for d in drawn if set(d.text) & brand_chars]
    assert with_brand, "the brand was drawn"
    scripts = "".join(d.text for d in with_brand)
    assert {"東", "م", "ש"} & set(scripts), "non-Latin parts were drawn"
    for d in drawn:
        assert uncovered(d.font, d.text) == [], f"tofu in {d.text!r}"
        assert d.box is not None, f"{d.text!r} drew no ink"
        w, h = d.canvas
        left, top, right, bottom = d.box
        assert min(left, top, w - right, h - bottom) >= margin, f"{d.text!r} ink {d.box} within {margin} px of {d.canvas}"


@pytest.mark.parametrize("brand", BRANDS)
def test_title_card_sets_a_mixed_brand_without_tofu_inside_the_frame(drawn: list[Drawn], brand: str) -> None:
    script = EpisodeScript(number=2, title=f"{brand} after midnight", cold_open="a", beat="b", cliffhanger="c",
                           product_moment="")
    title_card(LookSpec(logo_text=brand), script, f"{brand}: Night Shift", 540, 960)
    _check(drawn, set(brand) - set(" "), margin=int(540 * 0.03))  # the logo slot sits 4 % in from the side


@pytest.mark.parametrize("style", [CaptionStyle.BOX, CaptionStyle.OUTLINE])
@pytest.mark.parametrize("brand", BRANDS)
def test_caption_sets_a_mixed_line_inside_its_box(drawn: list[Drawn], brand: str, style: CaptionStyle) -> None:
    look = LookSpec(caption_style=style)
    line = f"Have you tried {brand}? Everyone at the {brand} counter says it changed their whole night shift"
    img = caption_image(look, brand.split()[0], line, 900, True)
    assert img.width <= 900
    _check(drawn, set(brand) - set(" "), margin=8)


def test_board_sets_mixed_titles_inside_tiles_and_frame(drawn: list[Drawn], tmp_path: Path) -> None:
    episodes = [EpisodeView(number=n, title=f"{BRANDS[n % 3]} {'night ' * n}", status="APPROVED", cover_path=None,
                            publish_at=None) for n in range(1, 6)]
    season = SeasonView(id=1, title=f"{MIXED} — {BRANDS[1]} — {BRANDS[2]} season", status="REVIEW", thread="t",
                        approvers=["U1"], quorum=1, episodes=episodes)
    render_board(season, tmp_path / "board.png")
    _check(drawn, set("".join(BRANDS)) - set(" "), margin=4)
    for d in drawn:
        assert d.box is not None and d.box[2] <= WIDTH - MARGIN + 1, f"{d.text!r} runs past the right margin"


@pytest.mark.parametrize("brand", BRANDS)
def test_campaign_graphics_set_mixed_brands_inside_the_frame(drawn: list[Drawn], tmp_path: Path, brand: str) -> None:
    portrait = Image.new("RGB", (512, 512), (120, 90, 70))  # the lead's card content does not matter here
    look = LookSpec(logo_text=brand)
    scripts = [EpisodeScript(number=3, title=f"{brand} Night", cold_open="Maya wakes.", beat="A letter.",
                             cliffhanger="Who left it?", product_moment="",
                             lines=[Line(speaker="Maya", text=f"{brand} knows what you did last night, Maya")]),
               EpisodeScript(number=4, title="Night 4", cold_open="a", beat="b", cliffhanger="c", product_moment="",
                             lines=[Line(speaker="Maya", text="Where were you?")])]
    make_quote(scripts[0], look, portrait, PersonaBrief(), "Maya", f"{brand}: Night Shift", tmp_path / "q.png")
    make_carousel(scripts, 4, look, portrait, PersonaBrief(), f"{brand}: Night Shift", tmp_path, "c")
    _check(drawn, set(brand) - set(" "), margin=24)
