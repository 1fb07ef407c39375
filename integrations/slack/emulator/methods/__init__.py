"""Web API method handlers, one module per family, merged into one registry by name."""

from __future__ import annotations

from integrations.slack.emulator.methods import chat, conversations, files, surfaces
from integrations.slack.emulator.methods.context import Handler, MethodContext


def method_handlers() -> dict[str, Handler]:
    """A fresh registry (a dict per emulator, so a test can add or override a method without globals)."""
    registry: dict[str, Handler] = {}
    for module in (conversations, chat, files, surfaces):
        registry.update(module.HANDLERS)
    return registry


__all__ = ["Handler", "MethodContext", "method_handlers"]
