"""Shared briefs and bibles for the brain tests."""

from __future__ import annotations

import pytest

from agent.domain import Brief, PersonaBrief


@pytest.fixture
def brief() -> Brief:
    """The brief from the product's own example."""
    return Brief(brand="Lumen Coffee", product="the Lumen cold-brew can", audience="night-shift nurses",
                 episode_count=8, episode_length_s=40, tone="cosy suspense")


@pytest.fixture
def bible() -> PersonaBrief:
    """A bible banning words the templates do use ("note", "secret"-ish) so scrubbing is exercised."""
    return PersonaBrief(banned_words=["note", "cheap", "game changer", "Lied"])
