"""The composition root's final-pass backend, built lazily.

Why lazy: a process without Gemini/Vertex settings must still start (the animatic needs none), and importing the
generative backend pulls in the face-lock models. The backend is built the first time the final pass needs it —
an estimate or a final render — and then kept for the process; a missing setting is raised then (ValueError), and
the spend use case says it in the thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.ports import PaidBackend
from agent.store.db import Store


def final_backend_factory(settings: Any, store: Store) -> Callable[[], PaidBackend]:
    """`AppContext.final_backend` and `run_render(final_backend=…)`: the `generative` plug-in, built on first use."""
    built: list[PaidBackend] = []

    def build() -> PaidBackend:
        if not built:
            from integrations.backends import make_backend

            backend = make_backend("generative", settings, store=store)
            if not isinstance(backend, PaidBackend):
                raise ValueError("the `generative` video backend cannot estimate its spend")
            built.append(backend)
        return built[0]

    return build
