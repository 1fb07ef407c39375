"""Continuity: each check reads the real file and fails when the render drifts from its locks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from agent.domain import Line
from agent.ports import RenderOutput, RenderRequest
from tests.tools.conftest import LOOK_B
from tools.continuity import Check, ContinuityReport, check_audio, check_render, find_banned
from tools.portrait import generate_portrait, image_hash
from tools.render.colour import delta_e76, dominant_colours, nearest_delta_e, rgb_to_lab


def test_lab_and_delta_e() -> None:
    assert rgb_to_lab(np.array([255, 255, 255])) == pytest.approx([100, 0, 0], abs=0.01)
    assert rgb_to_lab(np.array([0, 0, 0])) == pytest.approx([0, 0, 0], abs=0.01)
    assert float(delta_e76(rgb_to_lab(np.array([20, 18, 31])), rgb_to_lab(np.array([19, 17, 29])))) < 2
    assert nearest_delta_e(np.array([250, 250, 250]), ["#14121F", "#FFFFFF"])[1] == "#FFFFFF"


def test_dominant_colours_ignore_specks() -> None:
    patch = np.zeros((100, 100, 3), np.uint8)
    patch[:] = (20, 18, 31)
    patch[:2] = (255, 0, 0)  # 2 %: a speck, not a dominant colour
    found = dominant_colours(patch)
    assert len(found) == 1
    assert found[0][0] == pytest.approx([20, 18, 31])


def test_banned_words_are_whole_words_case_insensitive() -> None:
    texts = ["This is a CHEAP trick.", "A classic class act", "Guaranteed? No guarantee!"]
    assert find_banned(texts, ["cheap", "ass", "guarantee", "class act"]) == {"cheap": 1, "guarantee": 1,
                                                                               "class act": 1}
    assert find_banned(texts, []) == {}


def test_summary_names_what_failed() -> None:
    report = ContinuityReport(passed=False, checks=[Check(name="format", passed=True, detail="ok"),
                                                    Check(name="palette", passed=False, detail="ΔE 40")])
    assert report.summary() == "❌ continuity 1/2 — palette: ΔE 40"
    assert ContinuityReport(passed=True, checks=[Check(name="a", passed=True, detail="fine")]).summary() \
        .startswith("✅ continuity 1/1")


def _tone(path: Path, volume_db: float) -> Path:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=3", "-af", f"volume={volume_db}dB", "-c:a", "aac", str(path)],
                   check=True)
    return path


def test_loudness_is_measured_only_when_voiced(tmp_path: Path) -> None:
    loud = _tone(tmp_path / "loud.m4a", 0)
    quiet = _tone(tmp_path / "quiet.m4a", -30)
    base = {"cover_path": tmp_path / "c.png", "duration_s": 3, "width": 1080, "height": 1920, "file_hash": "x"}
    assert check_audio(RenderOutput(video_path=loud, voiced=False, **base)).detail.startswith("silent")
    loud_check = check_audio(RenderOutput(video_path=loud, voiced=True, **base))
    quiet_check = check_audio(RenderOutput(video_path=quiet, voiced=True, **base))
    assert "LUFS" in loud_check.detail and "LUFS" in quiet_check.detail
    assert not quiet_check.passed  # about -45 LUFS: far too quiet for a feed


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_honest_render_passes(render_request: RenderRequest, rendered: RenderOutput) -> None:
    report = check_render(render_request, rendered)
    assert report.passed, report.summary()
    assert [c.name for c in report.checks] == ["format", "duration", "lead lock", "lead", "palette", "banned words",
                                               "audio"]
    assert "silent — captions timed at reading speed" in report.summary()
    assert report.voiced is False


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_off_palette_render_is_flagged(render_request: RenderRequest, rendered: RenderOutput) -> None:
    report = check_render(render_request.model_copy(update={"look": LOOK_B}), rendered)
    palette = next(c for c in report.checks if c.name == "palette")
    assert not palette.passed and not report.passed
    assert "#1D3557" in palette.detail


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_another_lead_is_flagged(render_request: RenderRequest, rendered: RenderOutput, tmp_path: Path) -> None:
    other = generate_portrait("Leo", 3, tmp_path / "leo.png")
    lead = render_request.lead.model_copy(update={"name": "Leo", "portrait_path": str(other),
                                                  "portrait_hash": image_hash(other)})
    report = check_render(render_request.model_copy(update={"lead": lead}), rendered)
    assert not next(c for c in report.checks if c.name == "lead").passed
    assert "Leo not recognised" in report.summary()


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_tampered_lock_banned_words_and_wrong_duration(render_request: RenderRequest, rendered: RenderOutput,
                                                       tmp_path: Path) -> None:
    copy = tmp_path / "maya.png"
    copy.write_bytes(Path(render_request.lead.portrait_path).read_bytes())
    lead = render_request.lead.model_copy(update={"portrait_path": str(copy), "portrait_hash": "0" * 64})
    script = render_request.script.model_copy(
        update={"lines": [*render_request.script.lines[:-1], Line(speaker="Maya", text="A cheap trick, guaranteed.")]})
    request = render_request.model_copy(update={"lead": lead, "script": script, "banned_words": ["cheap"]})
    report = check_render(request, rendered.model_copy(update={"duration_s": 30.0}))
    failed = {c.name for c in report.checks if not c.passed}
    assert failed == {"lead lock", "banned words", "duration"}
