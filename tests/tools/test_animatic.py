"""The animatic renderer: a short real drama render (slow), its continuity, and the sound pieces (fast)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.domain import CastMember, EpisodeScript, LeadLock, Line
from agent.ports import RenderOutput, RenderRequest
from tests.tools.conftest import LOOK_A
from tools.render.sound import DUCK_GAIN, duck_envelope, music_bed


def drama_script() -> EpisodeScript:
    """Three characters, four short lines, a product moment: about 8–10 s of drama."""
    return EpisodeScript(
        number=2, title="夜灯の秘密", cold_open="Maya finds the café lamp still warm at closing time.",
        beat="At the office Jonah blocks the door.", cliffhanger="It has my name on it.",
        product_moment="The BrewCo cold brew can hides the key.",
        lines=[Line(speaker="Maya", text="Whose key is this?"), Line(speaker="Jonah", text="Put it back."),
               Line(speaker="Ivy", text="Too late, Jonah."), Line(speaker="Maya", text="It has my name on it.")])


@pytest.fixture(scope="module")
def drama(lead: LeadLock, tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderRequest, RenderOutput]:
    from tools.render.animatic import AnimaticRenderer

    request = RenderRequest(script=drama_script(), look=LOOK_A, lead=lead, out_dir=tmp_path_factory.mktemp("drama"),
                            season_title="Office Secrets", brand="BrewCo", product="BrewCo cold brew",
                            tone="tense", cast=[CastMember(name="Maya", role="lead"),
                                                CastMember(name="Jonah", role="rival")])
    from tools.voice import EspeakVoice, espeak_path

    voice = EspeakVoice() if espeak_path() else None  # the voiced path is the demo's; silent where espeak is absent
    return request, AnimaticRenderer(voice=voice).render(request)


@pytest.mark.slow
def test_a_drama_episode_has_shots_people_places_product_and_passes_continuity(drama) -> None:
    from tools.continuity import check_render

    request, out = drama
    assert out.video_path.is_file() and out.teaser_path and out.teaser_path.is_file()
    assert 6 <= len(out.shots) <= 14
    assert len({c["name"] for s in out.shots for c in s["characters"]}) == 3
    assert len({s["location"] for s in out.shots}) >= 2
    assert any(s["product"] and s["product_box"] for s in out.shots)
    assert out.shots[-1]["cue"] == "sting"
    with Image.open(out.contact_sheet_path) as sheet:
        assert sheet.height > 384 * 2  # two rows of thumbnails at least
    report = check_render(request, out)
    assert report.passed, report.summary()
    assert set(report.figures) >= {"character:Maya", "character:Jonah", "character:Ivy", "product"}
    # the checks can fail: point Maya's lock at Jonah's reference and she is no longer recognised
    refs = {**out.references, "char:Maya": out.references["char:Jonah"]}
    swapped = check_render(request, out.model_copy(update={"references": refs}))
    assert not swapped.passed and "Maya does not match" in swapped.summary()


def test_music_bed_fits_the_tone_and_ducks_under_dialogue() -> None:
    dark, light = music_bed(4.0, "tense, dark"), music_bed(4.0, "warm and witty")
    assert dark.shape == light.shape and not np.allclose(dark, light)
    assert np.array_equal(music_bed(4.0, "tense"), dark)  # deterministic
    env = duck_envelope(6.0, [(2.0, 3.0)])
    assert env[250] == pytest.approx(DUCK_GAIN, abs=0.02) and env[50] == pytest.approx(1.0)


@pytest.mark.slow
def test_contact_sheet_and_cover_never_touch_the_edges(drama, tmp_path: Path) -> None:
    _request, out = drama
    with Image.open(out.contact_sheet_path) as sheet:
        rgb = np.asarray(sheet.convert("RGB"), dtype=np.int16)
    edge = np.concatenate([rgb[:6].reshape(-1, 3), rgb[-6:].reshape(-1, 3), rgb[:, :6].reshape(-1, 3),
                           rgb[:, -6:].reshape(-1, 3)])
    assert (np.abs(edge - edge[0]).max(axis=1) < 8).mean() > 0.99  # only background at the borders
