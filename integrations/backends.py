"""The built-in video backends' plug-in factories (entry-point group `cliffhanger.video_backends`).

A backend factory receives the settings values, the process's Voice (`voice=`, built once by the composition root
from CLIFFHANGER_VOICE) and its store (`store=`), and returns a VideoBackend; production code hands a
RenderRequest to whichever backend is configured and never chooses a voice itself.
"""

from __future__ import annotations

from typing import Any

from agent.plugins import UnknownPluginError
from agent.ports import VideoBackend, Voice

UnknownBackendError = UnknownPluginError  # kept name: "no video backend called 'x'; available: …"


def local_from_settings(*, voice: Voice | None = None, **_values: Any) -> VideoBackend:
    """The local renderer, speaking with the given voice (silent when there is none)."""
    from tools.render.local import LocalRenderer

    return LocalRenderer(voice=voice)


def animatic_from_settings(*, voice: Voice | None = None, **_values: Any) -> VideoBackend:
    """The animatic drama renderer (storyboard, cast, locations, music), speaking with the given voice."""
    from tools.render.animatic import AnimaticRenderer

    return AnimaticRenderer(voice=voice)


def make_backend(name: str, settings: Any, voice: Voice | None = None, **services: Any) -> VideoBackend:
    """Build the named backend for these Settings (the voice from CLIFFHANGER_VOICE unless given); `services`
    (e.g. the process's `store`) are handed to the factory as they are."""
    from agent import plugins
    from integrations.voices import make_voice

    # `voice` in the values is the core setting's name ("auto"); the backend gets the built Voice in its place
    voice = voice if voice is not None else make_voice(settings)
    values = {**settings.plugin_values(), **services, "voice": voice}
    backend: VideoBackend = plugins.build("video_backends", name, **values)
    return backend
