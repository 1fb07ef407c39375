"""Prompt files: loaded by name from the repository's prompts/ directory and filled at call time.

Prompts live in files so a prompt change is a diff anyone can read (STYLE.md habit 6). Placeholders use
`string.Template` syntax (`$name`), not `str.format`, because prompts are full of JSON braces; a missing value
raises instead of sending a half-filled prompt to the model.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


class PromptLibrary:
    """Reads prompt files from one directory (the repo's prompts/ by default; tests may point elsewhere)."""

    def __init__(self, directory: Path = PROMPTS_DIR) -> None:
        """Remember where the prompts are; nothing is read until a prompt is asked for."""
        self.directory = directory

    def path(self, name: str) -> Path:
        """prompts/<name>.md; refuses names that would climb out of the directory."""
        if not name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"prompt names are plain words, got {name!r}")
        return self.directory / f"{name}.md"

    def load(self, name: str) -> str:
        """The raw prompt text."""
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(f"prompt {name!r} not found at {path}")
        return path.read_text(encoding="utf-8")

    def render(self, name: str, **values: object) -> str:
        """The prompt with every `$placeholder` filled; a missing value is an error, not a blank."""
        return Template(self.load(name)).substitute({k: str(v) for k, v in values.items()})


def render_prompt(name: str, **values: object) -> str:
    """Shortcut for the default library."""
    return PromptLibrary().render(name, **values)
