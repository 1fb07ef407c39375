"""The pure generators: what they write, what they never leak, and that copy passes the Persona Brief."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from agent.domain import LeadLock, Line, PersonaBrief
from tests.campaign.conftest import LOOK, SECRETS, script
from tools.campaign.asset import check_copy
from tools.campaign.bts import make_bts
from tools.campaign.carousel import build_slides, make_carousel
from tools.campaign.quote import QuoteError, make_quote, pick_line, resolve_override
from tools.campaign.writeup import make_writeup
from tools.render.colour import dominant_colours, nearest_delta_e
from tools.render.layers import load_portrait

BIBLE = PersonaBrief(banned_words=["cheap", "guarantee"])
SEASON = [script(n) for n in range(1, 7)]


def _palette_only(path: Path, box: tuple[int, int, int, int]) -> None:
    """Every dominant colour of a region outside the portrait is one of the locked palette's."""
    pixels = np.asarray(Image.open(path).convert("RGB").crop(box))
    allowed = [LOOK.palette.background, LOOK.palette.primary, LOOK.palette.accent, LOOK.palette.text]
    for rgb, share in dominant_colours(pixels, min_share=0.01):
        delta, nearest = nearest_delta_e(rgb, allowed)
        assert delta < 12, f"{path.name}: colour {rgb.round()} ({share:.0%}) is not in the palette (nearest {nearest})"


def test_carousel_for_episode_5_mentions_nothing_from_episode_6(tmp_path: Path, lead_lock: LeadLock) -> None:
    out = make_carousel(SEASON, 5, LOOK, load_portrait(Path(lead_lock.portrait_path)), BIBLE, "Night Shift", tmp_path,
                        "ep05_carousel_v1")
    text = out.text.lower()
    assert SECRETS[6] not in text and "ep 6" not in text
    assert "cliffnote5" not in text, "the recapped episode's cliffhanger must not be spoiled"
    for n in range(1, 6):
        assert SECRETS[n] in text, f"episode {n} is missing from the story so far"
    assert 4 <= len(out.files) <= 8
    for path in out.files:
        assert Image.open(path).size == (1080, 1350)
    _palette_only(out.files[1], (0, 0, 1080, 1350))


def test_long_season_packs_into_eight_slides_and_short_one_keeps_four() -> None:
    twelve = [script(1 + (n - 1) % 6).model_copy(update={"number": n}) for n in range(1, 13)]
    assert len(build_slides(twelve, 12, "S")) == 8
    assert len(build_slides(SEASON, 1, "S")) == 4


def test_quote_graphic_is_square_in_palette_and_uses_the_chosen_line(tmp_path: Path, lead_lock: LeadLock) -> None:
    portrait = load_portrait(Path(lead_lock.portrait_path))
    chosen = resolve_override(script(3), "line 2")
    out = make_quote(script(3), LOOK, portrait, BIBLE, "Maya", "Night Shift", tmp_path / "q.png", chosen)
    assert Image.open(out.files[0]).size == (1080, 1080)
    assert "Put it back. Now." in out.text
    _palette_only(out.files[0], (0, 380, 1080, 1080))  # below the lead's card


def test_best_line_avoids_banned_words_and_override_must_be_a_real_line() -> None:
    episode = script(2).model_copy(update={"lines": [Line(speaker="Maya", text="Is this cheap coffee a trap?"),
                                                     Line(speaker="Maya", text="Who opened the violin case?")]})
    assert pick_line(episode, BIBLE, "Maya").text == "Who opened the violin case?"
    try:
        resolve_override(episode, "a line nobody said")
    except QuoteError as exc:
        assert "Who opened the violin case?" in str(exc)
    else:
        raise AssertionError("an unknown line must be refused")


def test_banned_words_in_copy_are_rewritten_and_recorded(tmp_path: Path) -> None:
    cheap = script(4).model_copy(update={"product_moment": "A cheap trick, guarantee it."})
    out = make_writeup(cheap, BIBLE, season_title="Night Shift", brand="BrewCo", product="BrewCo cold brew",
                       day_label="Friday 4 Dec, 6 pm", out_dir=tmp_path, stem="w")
    assert out.found and not out.remaining
    for path in out.files:
        body = path.read_text().lower()
        assert "cheap" not in body and "guarantee" not in body
    assert "cliffnote4" not in out.text, "the write-up must not give the ending away"
    assert out.files[1].read_text().startswith("<!doctype html>")
    bts = make_bts(cheap, LOOK, BIBLE, season_title="Night Shift", brand="BrewCo", lead_name="Maya", episode_count=6)
    assert "cheap" not in bts.text.lower() and bts.found and len(bts.text) <= 2200


def test_check_copy_reports_what_it_cannot_rewrite() -> None:
    clean = check_copy("A fine evening.", BIBLE)
    assert not clean.regenerated and clean.text == "A fine evening."
    rewritten = check_copy("Cheap thrills.", BIBLE)
    assert rewritten.regenerated and "cheap" not in rewritten.text.lower() and not rewritten.remaining
