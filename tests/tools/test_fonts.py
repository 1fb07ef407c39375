"""Bundled fonts draw Latin, CJK, Arabic and Hebrew: no tofu (.notdef boxes) in a brand name on a card."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from agent.domain import EpisodeScript, LookSpec
from tools.render.fonts import covers, font_for_text, resolve_font
from tools.render.layers import title_card

NOTDEF = "\U0010FFFD"


def glyph_is_tofu(font, ch: str) -> bool:
    """Draw the character and the face's .notdef glyph; identical bitmaps mean the character is missing."""
    def ink(text: str) -> np.ndarray:
        img = Image.new("L", (120, 120), 0)
        ImageDraw.Draw(img).text((10, 10), text, font=font, fill=255)
        return np.asarray(img)
    return bool(np.array_equal(ink(ch), ink(NOTDEF)))


@pytest.mark.parametrize("brand", ["夜灯 Lumen", "ルーメン", "루멘", "مصباح", "מנורה"])
def test_brand_names_in_every_script_draw_real_glyphs(brand: str) -> None:
    font = font_for_text(brand, 64)
    assert not [ch for ch in brand if not ch.isspace() and glyph_is_tofu(font, ch)]


def test_the_look_font_alone_would_show_tofu_for_cjk() -> None:
    # the check above can fail: DejaVu has no han glyphs, so without the fallback this is tofu
    dejavu = font_for_text("Lumen", 64)
    assert not covers(resolve_font("DejaVuSans-Bold"), 0, "夜灯")
    assert glyph_is_tofu(dejavu, "夜")


def test_title_card_with_a_cjk_title_has_ink_where_the_title_is() -> None:
    script = EpisodeScript(number=1, title="夜灯の秘密", cold_open="a", beat="b", cliffhanger="c", product_moment="")
    card = np.asarray(title_card(LookSpec(), script, "ルーメン", 540, 960).convert("L"))
    title_band = card[int(960 * 0.45):int(960 * 0.62)]
    assert (title_band > 200).mean() > 0.01  # white title text drawn, not empty boxes
