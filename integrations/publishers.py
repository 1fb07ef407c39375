"""Publishers by name: the built-ins and third-party plug-ins are found the same way.

A publisher plug-in is a factory `from_settings(**settings) -> Publisher` named by an entry point in the group
`cliffhanger.publishers`, e.g. in a plug-in's pyproject.toml:

    [project.entry-points."cliffhanger.publishers"]
    mastodon = "cliffhanger_mastodon:from_settings"

The built-ins are declared as entry points too (BUILTIN_PUBLISHERS, loaded through the same EntryPoint machinery),
so adding one is a new module plus one line here — no switch to edit. Factories take settings-like keyword arguments
(usually `Settings.model_dump()` plus extras) and ignore what they don't use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType
from typing import Any

from agent.ports import Publisher

ENTRY_POINT_GROUP = "cliffhanger.publishers"
PublisherFactory = Callable[..., Publisher]

BUILTIN_PUBLISHERS: Mapping[str, str] = MappingProxyType({
    "outbox": "integrations.outbox:from_settings",
    "tiktok": "integrations.tiktok.publisher:from_settings",
    "webhook": "integrations.webhook:from_settings",
    "email": "integrations.email:from_settings",
})


class UnknownPublisherError(LookupError):
    """A publisher name nobody registered (the message lists the ones that exist)."""


def registered_publishers() -> dict[str, EntryPoint]:
    """Every publisher name → its entry point; an installed plug-in may replace a built-in of the same name."""
    found = {name: EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
             for name, value in BUILTIN_PUBLISHERS.items()}
    found.update({ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)})
    return found


def make_publishers(names: Iterable[str], **settings: Any) -> list[Publisher]:
    """Build the named publishers, in order, from settings-like keyword arguments.

    Fails loudly on an unknown name rather than skipping it: a silently missing publisher is an episode that never
    goes out with nobody told.
    """
    registry = registered_publishers()
    publishers: list[Publisher] = []
    for name in names:
        entry = registry.get(name)
        if entry is None:
            raise UnknownPublisherError(
                f"no publisher called '{name}'; available: {', '.join(sorted(registry))}")
        factory: PublisherFactory = entry.load()
        publisher = factory(**settings)
        if getattr(publisher, "name", None) != name:
            raise UnknownPublisherError(
                f"publisher factory '{entry.value}' returned '{getattr(publisher, 'name', None)}', not '{name}'")
        publishers.append(publisher)
    return publishers
