"""The final-pass backend the composition root wires (issue 14): built on first use from the settings, kept after,
and a missing setting named in the thread when the final render is asked for — never at start-up."""

from __future__ import annotations

from pathlib import Path

from agent.settings import Settings
from integrations.generative.backend import GenerativeBackend
from integrations.generative.factory import final_backend_factory
from tests.fakes.veo_server import FakeVeo


def test_built_once_from_the_settings(store, tmp_path: Path) -> None:
    with FakeVeo() as fake:
        settings = Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_CLOUD_PROJECT="proj-1", VERTEX_BASE_URL=fake.base_url,
                            VERTEX_ACCESS_TOKEN=fake.token, GENERATIVE_MOTION="camera",
                            GENERATIVE_SEASON_BUDGET_USD="25")
        build = final_backend_factory(settings, store)
        backend = build()
        assert isinstance(backend, GenerativeBackend) and build() is backend
        assert backend.season_budget_usd == 25 and backend.veo is None and backend.store is store

