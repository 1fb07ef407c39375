"""One plug-in mechanism for publishers, video backends, voices and brains: entry points, found by name.

A plug-in is a factory named by an entry point in one of GROUPS, declared once in its package's pyproject.toml —
the built-ins exactly like a third-party package:

    [project.entry-points."cliffhanger.publishers"]
    mastodon = "cliffhanger_mastodon:from_settings"

The composition root calls `build(kind, name, **values)`: `values` are the core settings' fields (by name), any
explicit plug-in values given to the root Settings, and runtime services (a ledger state, a voice…). A factory
takes what it needs and ignores the rest. A plug-in that has settings of its own owns them: a `PluginSettings`
subclass next to it (e.g. `TikTokSettings`, env prefix `TIKTOK_`), read with `from_values(values)` — explicit value
→ environment → default — so `agent/settings.py` keeps only the core settings.

This module imports no plug-in: it only reads the installed distributions' entry points when asked.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Self

from pydantic_settings import BaseSettings, SettingsConfigDict

GROUPS: Mapping[str, str] = types.MappingProxyType({
    "publishers": "cliffhanger.publishers",
    "campaign_publishers": "cliffhanger.campaign_publishers",  # the campaign side of a publisher, same name
    "video_backends": "cliffhanger.video_backends",
    "voices": "cliffhanger.voices",
    "brains": "cliffhanger.brains",
})


class UnknownPluginError(LookupError):
    """A plug-in name nobody registered (the message lists the ones that exist)."""


def registered(kind: str) -> dict[str, EntryPoint]:
    """Every installed plug-in of one kind: name → entry point (`pip install -e .` refreshes the built-ins)."""
    return {ep.name: ep for ep in entry_points(group=GROUPS[kind])}


def load(kind: str, name: str) -> Callable[..., Any]:
    """The factory registered as `name`; an unknown name fails loudly, listing the available ones."""
    found = registered(kind)
    entry = found.get(name)
    if entry is None:
        label = kind.removesuffix("s").replace("_", " ")
        raise UnknownPluginError(f"no {label} called '{name}'; available: {', '.join(sorted(found)) or 'none'}")
    factory: Callable[..., Any] = entry.load()
    return factory


def build(kind: str, name: str, **values: Any) -> Any:
    """Build the named plug-in from settings-like keyword arguments (see the module docstring)."""
    return load(kind, name)(**values)


def _accepts_none(annotation: Any) -> bool:
    return annotation is None or type(None) in typing.get_args(annotation)


class PluginSettings(BaseSettings):
    """Base for a plug-in's own settings: read from its environment variables unless given explicitly.

    A field's explicit key is its environment variable's name in lower case (env prefix + field name, or its
    validation alias), so `tiktok_access_token=…` passed to the factory and `TIKTOK_ACCESS_TOKEN` in the
    environment mean the same thing.
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    @classmethod
    def env_key(cls, name: str) -> str:
        """The lower-case environment variable name of one field (its explicit key in `values`)."""
        alias = cls.model_fields[name].validation_alias
        if isinstance(alias, str):
            return alias.lower()
        return f"{cls.model_config.get('env_prefix', '')}{name}".lower()

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Self:
        """Explicit value (from `values`) → environment → default. An explicit None counts only where the field
        may be None (so `GOOGLE_API_KEY=None` really means "no key", whatever the environment says)."""
        lowered = {key.lower(): value for key, value in values.items()}
        explicit: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = cls.env_key(name)
            if key in lowered and (lowered[key] is not None or _accepts_none(field.annotation)):
                explicit[name] = lowered[key]
        return cls(**explicit)
