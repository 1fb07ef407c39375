"""Location plates from Gemini over HTTP (the image stand-in): locked per season location by content hash,
validated like uploads, the drawn set when Gemini fails; and the composition root's choice of painter/writer."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.domain import LocationKind, LocationLock
from agent.ports import LocationPainter
from integrations.gemini.images import GeminiImageClient
from integrations.gemini.locations import GeminiLocations
from tests.fakes.gemini_image_server import FakeGeminiImages
from tests.fakes.gemini_server import FakeGemini, Reply
from tests.integrations.gemini.conftest import KEY
from tests.tools.conftest import LOOK_A
from tools.portrait import image_hash
from tools.render.scenes import DrawnLocations, lock_locations, paint_location

GREEN = (0, 200, 80)
SIZE = (270, 480)
CAFE = LocationLock(key="cafe", kind=LocationKind.CAFE, name="the café")
OFFICE = LocationLock(key="office", kind=LocationKind.OFFICE, name="the office")


def painter(base_url: str, home: Path) -> GeminiLocations:
    images = GeminiImageClient(KEY, base_url=base_url, backoff_s=0.001)
    return GeminiLocations(images, home / "locations", DrawnLocations(home / "locations"))


def green_share(path: Path) -> float:
    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    return float((np.abs(rgb - np.array(GREEN)).max(axis=-1) < 12).mean())


def test_a_location_plate_comes_from_gemini_and_is_locked_for_the_season(tmp_path: Path) -> None:
    with FakeGeminiImages(api_key=KEY, backdrop=GREEN) as fake:
        gemini = painter(fake.base_url, tmp_path)
        assert isinstance(gemini, LocationPainter)
        path = gemini.paint(CAFE, LOOK_A, SIZE)
        with Image.open(path) as img:
            assert img.format == "PNG" and img.size == SIZE
        assert green_share(path) > 0.5  # the stand-in's plate (green wall over its floor), fitted to the size
        again = gemini.paint(CAFE, LOOK_A, SIZE)  # the next episode: the same locked file, no new request
        assert again == path and fake.images_served == 1
        gemini.paint(OFFICE, LOOK_A, SIZE)
        [first, second] = fake.requests_to(":generateContent")
    assert "the café" in first.text and LOOK_A.palette.primary in first.text and "the office" in second.text
    assert first.body["generationConfig"]["imageConfig"]["aspectRatio"] == "9:16"


def test_a_500_falls_back_to_the_drawn_set(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    drawn = DrawnLocations(tmp_path / "locations").paint(CAFE, LOOK_A, SIZE)
    with FakeGeminiImages(api_key=KEY, backdrop=GREEN) as fake:
        fake.fail_next("500", "500", "500")
        path = painter(fake.base_url, tmp_path).paint(CAFE, LOOK_A, SIZE)
        assert len(fake.requests_to(":generateContent")) == 3  # retried, then given up
        assert path == drawn and green_share(path) == 0.0
        assert "using the drawn set" in caplog.text
        fake.fail_next("safety")  # a blocked image: drawn too, and the next render asks again
        assert painter(fake.base_url, tmp_path).paint(CAFE, LOOK_A, SIZE) == drawn
        assert green_share(painter(fake.base_url, tmp_path).paint(CAFE, LOOK_A, SIZE)) > 0.5


def test_the_models_bytes_are_validated_like_an_upload(tmp_path: Path) -> None:
    with FakeGemini(api_key=KEY) as fake:
        fake.reply(Reply(parts=[{"inlineData": {"mimeType": "image/png",
                                                "data": base64.b64encode(b"<svg onload=x>").decode()}}]))
        path = painter(fake.base_url, tmp_path).paint(CAFE, LOOK_A, SIZE)
    assert path.name.startswith("drawn-") and not list((tmp_path / "locations").glob("gemini-*"))


def test_the_drawn_painter_is_todays_set_pixel_for_pixel_and_locks_by_hash(tmp_path: Path) -> None:
    drawn = DrawnLocations(tmp_path)
    [cafe, office] = lock_locations([CAFE, OFFICE], LOOK_A, SIZE, drawn)
    with Image.open(cafe.image_path) as img:
        assert np.array_equal(np.asarray(img.convert("RGB")), np.asarray(paint_location("cafe", LOOK_A, *SIZE)))
    assert cafe.image_hash == image_hash(Path(cafe.image_path)) and office.image_hash != cafe.image_hash
    assert lock_locations([cafe], LOOK_A, SIZE, drawn) == [cafe]


def test_the_composition_root_picks_gemini_only_when_keyed(tmp_path: Path) -> None:
    from agent.bootstrap import _location_painter, _storyboard_writer
    from agent.brain.offline import OfflineBrain
    from agent.settings import Settings
    from integrations.gemini.brain import GeminiBrain
    from integrations.gemini.storyboard import GeminiStoryboards

    offline = Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_API_KEY=None)
    keyed = Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_API_KEY=KEY, GEMINI_BASE_URL="http://127.0.0.1:9")
    assert isinstance(_location_painter(offline), DrawnLocations)
    assert isinstance(_location_painter(keyed), GeminiLocations)
    assert isinstance(_storyboard_writer(GeminiBrain(KEY, base_url="http://127.0.0.1:9"), tmp_path),
                      GeminiStoryboards)
    assert not isinstance(_storyboard_writer(OfflineBrain(), tmp_path), GeminiStoryboards)


def test_the_drama_backend_is_planned_offline_with_todays_pixels_and_no_model(tmp_path: Path) -> None:
    from agent.bootstrap import PlannedDrama, make_brain, make_video_backend, plan_drama
    from agent.domain import LeadLock
    from agent.ports import RenderRequest
    from agent.settings import Settings
    from agent.store.db import Store
    from tests.integrations.gemini.test_gemini_storyboard import script
    from tools.render.camera import margin_for

    settings = Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_API_KEY=None, CLIFFHANGER_VIDEO_BACKEND="animatic",
                        CLIFFHANGER_VOICE="silent", DATABASE_URL=None)
    store = Store.open(settings.effective_database_url)
    backend = make_video_backend(settings, make_brain(settings), store)
    assert isinstance(backend, PlannedDrama) and backend.name == "animatic" and backend.writer is None
    local = Settings(CLIFFHANGER_HOME=tmp_path, GOOGLE_API_KEY=None, CLIFFHANGER_VIDEO_BACKEND="local",
                     CLIFFHANGER_VOICE="silent", DATABASE_URL=None)
    assert not isinstance(make_video_backend(local, make_brain(local), store), PlannedDrama)
    lead = LeadLock(persona_id=1, name="Maya", portrait_path="", portrait_hash="", seed=1)
    request = RenderRequest(script=script(), look=LOOK_A, lead=lead, out_dir=tmp_path, width=270, height=480)
    plan_drama(request, backend.writer, backend.painter)
    assert request.storyboard is None  # offline: the renderer's deterministic writer, as before
    assert [loc.key for loc in request.locations] == ["cafe", "office"]  # what the renderer would have chosen
    m = margin_for(270)
    with Image.open(request.locations[0].image_path) as img:
        got = np.asarray(img.convert("RGB"))
    assert np.array_equal(got, np.asarray(paint_location("cafe", LOOK_A, 270 + 2 * m, 480 + 2 * m)))
    store.engine.dispose()
