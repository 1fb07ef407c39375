"""Where the hourly figures pull reads from: each configured publisher that reads its own posts' figures, plus
TikTok's Display API reader (a separate scope, video.list) when TikTok is configured.

Built by the composition root; agent/ only sees the MetricsSource protocol.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from agent.services.metrics import MetricsSource, metrics_sources

log = logging.getLogger(__name__)


def make_metrics_sources(built: Mapping[str, object], /, **values: Any) -> dict[str, MetricsSource]:
    """The sources for `pull_metrics` from the built publishers and the plug-in settings values (which carry a
    `publishers` list of names of their own); a TikTok reader that cannot be built is logged and left out (the
    other platforms' figures still come back)."""
    extra: list[MetricsSource] = []
    if "tiktok" in built:
        from integrations.tiktok.display import metrics_from_settings

        try:
            extra.append(metrics_from_settings(**values))
        except ValueError as exc:
            log.warning("TikTok figures are off: %s", exc)
    return metrics_sources(built, extra)
