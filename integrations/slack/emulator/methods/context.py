"""What every Web API handler receives, and the small argument helpers they share.

Handlers are plain functions ``(ctx, params) -> dict`` registered by method name, so adding a method is one
function in one module, and a handler never reaches for global state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from integrations.slack.emulator.store import EmulatorStore, SlackMethodError
from integrations.slack.emulator.workspace import FakeChannel, Workspace

Params = dict[str, Any]


@dataclass(frozen=True)
class MethodContext:
    """The emulator's state as seen by one call: store, workspace, own URL (for upload URLs) and the token."""

    store: EmulatorStore
    workspace: Workspace
    root_url: str
    token: str | None = None


Handler = Callable[[MethodContext, Params], dict[str, Any]]


def required(params: Params, name: str, error: str = "invalid_arguments") -> str:
    """A required string argument; Slack answers ``ok: false`` with a method-specific code when it is absent."""
    value = params.get(name)
    if value is None or value == "":
        raise SlackMethodError(error)
    return str(value)


def flag(params: Params, name: str) -> bool:
    """A boolean argument that may arrive as JSON ``true`` or a form ``"true"``/``"1"``."""
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def channel_of(ctx: MethodContext, params: Params, name: str = "channel") -> FakeChannel:
    """The conversation a call targets; a user id means that user's DM (as chat.postMessage allows)."""
    channel_id = required(params, name, "channel_not_found")
    channel = ctx.workspace.channels.get(channel_id)
    if channel is None:
        channel = next((c for c in ctx.workspace.channels.values() if c.is_im and c.im_user == channel_id), None)
    if channel is None:
        raise SlackMethodError("channel_not_found")
    return channel
