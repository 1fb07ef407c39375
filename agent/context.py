"""The application context handed to graph nodes and services (built once by the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent.domain import LeadLock, LookSpec
from agent.ports import ArtifactStore, Brain, PaidBackend, Publisher, ReviewChannel, ThreadRef
from agent.settings import Settings
from agent.store.db import Store


@dataclass
class AppContext:
    """Everything with side effects, passed in as arguments (never imported as globals); a plain record that
    builds nothing itself."""

    settings: Settings
    store: Store
    brain: Brain
    channel: ReviewChannel
    enqueue_render: Callable[[int], None]
    make_portrait: Callable[[str, int, Path], Path]
    make_preview: Callable[[LookSpec, LeadLock | None, Path], Path]
    artifacts: ArtifactStore  # where renders live (local folder or S3), chosen by the composition root
    publishers: dict[str, Publisher] = field(default_factory=dict)
    enqueue_campaign: Callable[[int], None] = lambda _asset_id: None
    # issue 14: the paid final-pass backend (`generative`), built on first use; None when not configured
    final_backend: Callable[[], PaidBackend] | None = None


@dataclass
class TurnContext:
    """LangGraph run context for one incoming message: who spoke, where, with which app."""

    app: AppContext
    thread: ThreadRef
    user_id: str
    team_id: str = ""
