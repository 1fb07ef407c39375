"""The defaults a fresh install runs with (the suite itself pins the fast stills renderer in conftest)."""

from __future__ import annotations

import pytest

from agent.settings import Settings


def test_the_default_video_backend_is_the_animatic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLIFFHANGER_VIDEO_BACKEND", raising=False)
    assert Settings().video_backend == "animatic"
    monkeypatch.setenv("CLIFFHANGER_VIDEO_BACKEND", "local")
    assert Settings().video_backend == "local"
