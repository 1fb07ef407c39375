"""Face identity on real photographs shipped by scikit-image (no download): the astronaut (Eileen Collins) under
crops, scaling, lighting and colour changes stays within the lock; the cameraman is another person; coffee has no face.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageOps

from tools import identity

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.open(DATA / "astronaut.png").convert("RGB")


@pytest.fixture(scope="module")
def reference(astronaut: Image.Image) -> list[float]:
    return identity.embed_reference(astronaut)


def _tint(image: Image.Image, r: float, g: float, b: float) -> Image.Image:
    bands = [band.point(lambda v, k=k: min(255, round(v * k))) for band, k in zip(image.split(), (r, g, b), strict=True)]
    return Image.merge("RGB", bands)


VARIANTS = {
    "crop, 1.5x": lambda im: im.crop((120, 30, 420, 330)).resize((450, 450), Image.Resampling.LANCZOS),
    "scaled to 384 px": lambda im: im.resize((384, 384), Image.Resampling.LANCZOS),
    "scaled to 1400 px": lambda im: im.resize((1400, 1400), Image.Resampling.BICUBIC),
    "darker (0.6)": lambda im: ImageEnhance.Brightness(im).enhance(0.6),
    "brighter (1.4)": lambda im: ImageEnhance.Brightness(im).enhance(1.4),
    "low contrast": lambda im: ImageEnhance.Contrast(im).enhance(0.6),
    "greyscale": lambda im: ImageOps.grayscale(im).convert("RGB"),
    "warm grade": lambda im: _tint(im, 1.2, 1.0, 0.75),
    "in a 9:16 frame": lambda im: _in_vertical_frame(im),
}


def _in_vertical_frame(image: Image.Image) -> Image.Image:
    frame = Image.new("RGB", (1080, 1920), (20, 24, 40))
    frame.paste(image.resize((720, 720)), (180, 500))
    return frame


@pytest.mark.parametrize("name", list(VARIANTS))
def test_same_person_under_changes_is_within_the_lock(astronaut, reference, name):
    result = identity.check(reference, VARIANTS[name](astronaut))
    assert result.face_found, name
    assert result.distance is not None and result.distance <= identity.DEFAULT_LOCK_THRESHOLD, (name, result.distance)
    assert result.within_lock


def test_another_person_is_outside_the_lock(reference):
    cameraman = Image.open(DATA / "camera.png").crop((150, 60, 350, 260)).resize((600, 600), Image.Resampling.LANCZOS)
    result = identity.check(reference, cameraman)
    assert result.faces_found == 1
    assert result.distance is not None and result.distance > identity.DLIB_USUAL_THRESHOLD
    assert not result.within_lock
    assert "NOT the same person" in result.describe()


def test_image_without_a_face_says_so(reference):
    result = identity.check(reference, DATA / "coffee.png")
    assert result.faces_found == 0 and result.distance is None
    assert result.describe() == "coffee.png: no face found"


def test_reference_without_a_face_is_refused():
    with pytest.raises(identity.NoFaceError, match="coffee.png"):
        identity.compare(DATA / "coffee.png", DATA / "astronaut.png")


def test_compare_from_files(tmp_path):
    variant = tmp_path / "ref.jpg"
    ImageEnhance.Brightness(Image.open(DATA / "astronaut.png").convert("RGB")).enhance(0.7).save(variant, quality=80)
    result = identity.compare(variant, DATA / "astronaut.png", threshold=0.55)
    assert result.within_lock and result.threshold == 0.55


def test_models_load_once_per_process():
    assert identity.models() is identity.models()


def test_distance_metric():
    assert identity.distance([0.0, 3.0], [4.0, 0.0]) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        identity.distance([0.0], [0.0, 1.0])


def test_cli_prints_the_distance_and_says_when_no_face(tmp_path):
    import json

    from typer.testing import CliRunner

    from agent.cli import app

    darker = tmp_path / "darker.png"
    ImageEnhance.Brightness(Image.open(DATA / "astronaut.png").convert("RGB")).enhance(0.6).save(darker)
    runner = CliRunner()
    same = runner.invoke(app, ["identity", str(DATA / "astronaut.png"), str(darker)])
    assert same.exit_code == 0, same.output
    assert "identity distance 0.1" in same.output and "same person" in same.output

    as_json = runner.invoke(app, ["identity", str(DATA / "astronaut.png"), str(darker), "--json"])
    answer = json.loads(as_json.output)
    assert answer["faces_found"] >= 1 and 0 < answer["distance"] <= 0.5 and answer["within_lock"] is True

    none = runner.invoke(app, ["identity", str(DATA / "astronaut.png"), str(DATA / "coffee.png"), "--json"])
    assert none.exit_code == 2 and json.loads(none.output)["distance"] is None
    assert "No face found" in runner.invoke(app, ["identity", str(DATA / "astronaut.png"),
                                                  str(DATA / "coffee.png")]).output
    missing = runner.invoke(app, ["identity", str(tmp_path / "nope.png"), str(darker)])
    assert missing.exit_code == 2 and "could not read an image" in missing.output
