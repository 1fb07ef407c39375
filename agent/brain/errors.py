"""The one error a brain raises: its message is written for the marketer and never contains a key."""

from __future__ import annotations


class BrainError(RuntimeError):
    """A brain could not do what was asked (rejected key, unusable model output, service down after retries)."""


class KeyRejectedError(BrainError):
    """The model provider refused the API key: no fallback can fix that, the marketer must change settings."""
