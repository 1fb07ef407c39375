"""Shared render fixtures: one short real render per session, reused by the render and continuity tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.domain import EpisodeScript, LeadLock, Line, LookSpec, Palette
from agent.ports import RenderOutput, RenderRequest
from tools.portrait import generate_portrait, image_hash

LOOK_A = LookSpec(palette=Palette(background="#14121F", primary="#F2C14E", accent="#E4572E", text="#FFFFFF"),
                  logo_text="BREWCO")
LOOK_B = LookSpec(palette=Palette(background="#1D3557", primary="#A8DADC", accent="#E63946", text="#F1FAEE"),
                  logo_text="BREWCO")


def short_script(number: int = 3) -> EpisodeScript:
    """Three short lines: about 9 s of video, enough for three shots."""
    return EpisodeScript(
        number=number, title="The Locked Drawer", cold_open="Maya finds a warm key.",
        beat="It fits the boss's drawer.", cliffhanger="Inside: her own photo.",
        product_moment="She steadies herself with a BrewCo cold brew.",
        lines=[Line(speaker="Maya", text="Whose key is this?"),
               Line(speaker="Jonah", text="Put it back. Now."),
               Line(speaker="Maya", text="It opens the drawer with my name.")])


@pytest.fixture(scope="session")
def lead(tmp_path_factory: pytest.TempPathFactory) -> LeadLock:
    """Maya, locked to a generated portrait."""
    path = generate_portrait("Maya", 7, tmp_path_factory.mktemp("lead") / "maya.png")
    return LeadLock(persona_id=1, name="Maya", portrait_path=str(path), portrait_hash=image_hash(path), seed=7)


@pytest.fixture(scope="session")
def render_request(lead: LeadLock, tmp_path_factory: pytest.TempPathFactory) -> RenderRequest:
    """Episode 3 in look A."""
    return RenderRequest(script=short_script(), look=LOOK_A, lead=lead, out_dir=tmp_path_factory.mktemp("out"),
                         season_title="Office Secrets", next_episode_label="Ep 4 drops Friday 6 pm",
                         banned_words=["cheap", "guarantee"])


@pytest.fixture(scope="session")
def rendered(render_request: RenderRequest) -> RenderOutput:
    """The one real render the slow tests share."""
    from tools.render import LocalRenderer

    return LocalRenderer().render(render_request)


def frame_at(path: Path, t: float) -> np.ndarray:
    """Decoded RGB frame (numpy) at time t of a 1080×1920 file."""
    from tools.render.probe import grab_frame

    return grab_frame(path, t, 1080, 1920)

