"""Prompt files are found by name, filled at call time, and never sent half-filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.brain.prompts import PROMPTS_DIR, PromptLibrary

NAMES = ("intake", "arc", "arc_fix", "revise", "cast", "route", "repair")


@pytest.mark.parametrize("name", NAMES)
def test_every_prompt_file_exists(name: str) -> None:
    assert (PROMPTS_DIR / f"{name}.md").is_file()


def test_render_fills_and_refuses_missing_values(tmp_path: Path) -> None:
    (tmp_path / "hello.md").write_text('Say {"json": true} to $who.\n')
    library = PromptLibrary(tmp_path)
    assert library.render("hello", who="Maya") == 'Say {"json": true} to Maya.\n'
    with pytest.raises(KeyError):
        library.render("hello")
    with pytest.raises(ValueError):
        library.load("../secrets")
