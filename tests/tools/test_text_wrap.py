"""Word wrap never returns a line wider than its space: over-long words are broken between characters, and a
letter is never separated from its combining marks."""

from __future__ import annotations

import unicodedata

from tools.render.fonts import font_for_text
from tools.render.text import wrap


def test_a_word_wider_than_the_line_is_broken_to_fit() -> None:
    text = "Unbreakablemisunderstandingsofeverykind short"
    font = font_for_text(text, 40)
    lines = wrap(text, font, 200)
    assert all(font.getlength(line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_cjk_without_spaces_wraps_within_the_width() -> None:
    text = "あなたが約束したことは全部病院の明かりの下で練習した嘘だったのね"
    font = font_for_text(text, 48)
    lines = wrap(text, font, 300)
    assert len(lines) > 1 and all(font.getlength(line) <= 300 for line in lines) and "".join(lines) == text


def test_combining_marks_stay_with_their_letter() -> None:
    text = "e\u0301" * 40  # é written as e + combining acute
    font = font_for_text(text, 40)
    lines = wrap(text, font, 120)
    assert len(lines) > 1
    assert not [line for line in lines if unicodedata.combining(line[0])]


def test_words_that_fit_are_kept_whole() -> None:
    font = font_for_text("the night shift", 40)
    assert wrap("the night shift", font, 10_000) == ["the night shift"]
    assert wrap("the night shift", font, int(font.getlength("the night") + 1)) == ["the night", "shift"]


def test_fitting_cuts_text_that_cannot_fit_instead_of_running_off_the_frame() -> None:
    from tools.render.text import fit_lines

    text = "The Lighthouse Night That Nobody In The Building Will Ever Talk About Again " * 3
    font, lines = fit_lines(text, lambda s: font_for_text(text, s), [60, 48], 300, 3)
    assert len(lines) == 3 and lines[-1].endswith("…") and all(font.getlength(line) <= 300 for line in lines)
    _, every = fit_lines(text, lambda s: font_for_text(text, s), [60, 48], 300, 3, ellipsis=False)
    assert len(every) > 3 and "".join(every).replace(" ", "") == text.replace(" ", "")  # captions keep all words
