"""Publishers by name, through the one plug-in registry (agent/plugins.py, group `cliffhanger.publishers`).

A publisher is one module with a factory `from_settings(**values) -> Publisher`, plus one line in pyproject.toml:

    [project.entry-points."cliffhanger.publishers"]
    mastodon = "cliffhanger_mastodon:from_settings"

The built-ins are declared there too, and nowhere else. Campaign assets (teasers, carousels, quotes…) go through
publishers registered under the same name in `cliffhanger.campaign_publishers`; a publisher without one simply
publishes episodes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agent import plugins
from agent.plugins import UnknownPluginError
from agent.ports import Publisher

UnknownPublisherError = UnknownPluginError  # kept name: "no publisher called 'x'; available: …"


def make_publishers(names: Iterable[str], **values: Any) -> list[Publisher]:
    """Build the named publishers, in order, from settings-like keyword arguments.

    Fails loudly on an unknown name rather than skipping it: a silently missing publisher is an episode that never
    goes out with nobody told.
    """
    publishers: list[Publisher] = []
    for name in names:
        publisher = plugins.build("publishers", name, **values)
        if getattr(publisher, "name", None) != name:
            raise UnknownPublisherError(f"publisher '{name}' built one called '{getattr(publisher, 'name', None)}'")
        publishers.append(publisher)
    return publishers


def make_campaign_publishers(names: Iterable[str], **values: Any) -> dict[str, Publisher]:
    """The campaign side of the named publishers (those that have one), keyed by name."""
    found = plugins.registered("campaign_publishers")
    return {name: found[name].load()(**values) for name in names if name in found}


def campaign_outbox(*, outbox_dir: Path | str | None = None, cliffhanger_home: Path | str | None = None,
                    **_values: Any) -> Publisher:
    """The outbox's campaign folder (entry point `outbox` in `cliffhanger.campaign_publishers`)."""
    from integrations.campaign_outbox import CampaignOutboxPublisher

    root = Path(outbox_dir) if outbox_dir is not None else Path(cliffhanger_home or ".cliffhanger") / "outbox"
    return CampaignOutboxPublisher(root)
