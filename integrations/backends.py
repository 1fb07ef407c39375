"""Video backends by name: the built-ins and third-party plug-ins are found the same way (like publishers).

A backend plug-in is a factory `from_settings(settings) -> VideoBackend` named by an entry point in the group
`cliffhanger.video_backends`, e.g. in a plug-in's pyproject.toml:

    [project.entry-points."cliffhanger.video_backends"]
    runway = "cliffhanger_runway:from_settings"

The built-ins are declared through the same EntryPoint machinery (BUILTIN_BACKENDS), so adding one is a new module
plus one line here. Each backend owns its Voice (integrations.voices.make_voice), so production code hands a
RenderRequest to whichever backend is configured and never chooses a voice itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType
from typing import Any

from agent.ports import VideoBackend

ENTRY_POINT_GROUP = "cliffhanger.video_backends"

BUILTIN_BACKENDS: Mapping[str, str] = MappingProxyType({
    "local": "integrations.backends:local_from_settings",
    "heygen": "integrations.heygen.backend:from_settings",
})


class UnknownBackendError(LookupError):
    """A backend name nobody registered (the message lists the ones that exist)."""


def local_from_settings(settings: Any) -> VideoBackend:
    """The local renderer, speaking with the configured voice (silent when there is none)."""
    from integrations.voices import make_voice
    from tools.render.local import LocalRenderer

    return LocalRenderer(voice=make_voice(settings))


def registered_backends() -> dict[str, EntryPoint]:
    """Every backend name → its entry point; an installed plug-in may replace a built-in of the same name."""
    found = {name: EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
             for name, value in BUILTIN_BACKENDS.items()}
    found.update({ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)})
    return found


def make_backend(name: str, settings: Any) -> VideoBackend:
    """Build the named backend; an unknown or half-configured one fails here, at start-up."""
    registry = registered_backends()
    entry = registry.get(name)
    if entry is None:
        raise UnknownBackendError(f"no video backend called '{name}'; available: {', '.join(sorted(registry))}")
    backend: VideoBackend = entry.load()(settings)
    return backend
