"""Hashtags never carry the thread's "[offline draft]" label, whatever writes them (package, campaign, preflight)."""

from __future__ import annotations

import pytest

from tools.hashtags import hashtag


@pytest.mark.parametrize(("name", "tag"), [
    ("Lumen Coffee", "#LumenCoffee"),
    ("[offline draft] Lumen Coffee: After Hours", "#LumenCoffeeAfterHours"),
    ("Marks & Spencer", "#MarksSpencer"),
    ("maison brûlée", "#MaisonBrûlée"),
    ("夜灯 Lumen", "#夜灯Lumen"),
    ("", ""),
    ("[offline draft]", ""),
    ("!!!", ""),
])
def test_hashtag(name: str, tag: str) -> None:
    assert hashtag(name) == tag
