"""Helpers for end-to-end tests: wait for the workers to post review cards."""

from __future__ import annotations

from integrations.demo.local_stack import LocalStack
from integrations.demo.season import _wait_cards


def wait_for_cards(stack: LocalStack, season_id: int, want: int, timeout: float,
                   exclude: set[int] | None = None) -> dict[int, tuple[int, str]]:
    """Episode number → (render id, card ts) once `want` cards are posted."""
    from rich.console import Console

    return _wait_cards(stack, season_id, want, Console(quiet=True), timeout, exclude)
