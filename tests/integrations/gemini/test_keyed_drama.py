"""The keyed drama render end to end over HTTP: the composition root's planner asks the Gemini stand-in for the shot
list and the image stand-in for the location plates, and the animatic renderer draws the episode with both."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.bootstrap import PlannedDrama
from agent.domain import CastMember, LeadLock
from agent.ports import RenderRequest
from integrations.gemini.client import GeminiClient
from integrations.gemini.images import GeminiImageClient
from integrations.gemini.locations import GeminiLocations
from integrations.gemini.storyboard import GeminiStoryboards
from tests.fakes.gemini_image_server import FakeGeminiImages
from tests.fakes.gemini_server import FakeGemini
from tests.integrations.gemini.conftest import KEY
from tests.integrations.gemini.test_gemini_locations import CAFE, GREEN, OFFICE
from tests.integrations.gemini.test_gemini_storyboard import LENGTH, model_board, script
from tests.tools.conftest import LOOK_A
from tools.portrait import generate_portrait, image_hash
from tools.render.scenes import DrawnLocations

W, H = 540, 960


@pytest.mark.slow
def test_a_keyed_render_uses_the_models_shots_and_geminis_location_plates(tmp_path: Path) -> None:
    from tools.continuity import check_render
    from tools.render.animatic import END_S, AnimaticRenderer
    from tools.render.probe import grab_frame

    portrait = generate_portrait("Maya", 7, tmp_path / "maya.png")
    lead = LeadLock(persona_id=1, name="Maya", portrait_path=str(portrait), portrait_hash=image_hash(portrait), seed=7)
    request = RenderRequest(script=script(), look=LOOK_A, lead=lead, out_dir=tmp_path / "out", width=W, height=H,
                            season_title="Office Secrets", brand="BrewCo", product="BrewCo cold brew", tone="tense",
                            cast=[CastMember(name="Maya", role="lead"), CastMember(name="Jonah", role="rival")],
                            locations=[CAFE, OFFICE], episode_length_s=LENGTH + END_S)
    with FakeGemini(api_key=KEY) as text, FakeGeminiImages(api_key=KEY, backdrop=GREEN) as images:
        text.reply_json(model_board())
        writer = GeminiStoryboards(GeminiClient(KEY, "gemini-2.5-flash", text.base_url, backoff_s=0.001))
        painter = GeminiLocations(GeminiImageClient(KEY, base_url=images.base_url, backoff_s=0.001),
                                  tmp_path / "locations", DrawnLocations(tmp_path / "locations"))
        out = PlannedDrama(AnimaticRenderer(), writer, painter).render(request)
        assert images.images_served == 2 and len(text.requests) == 1

    assert out.storyboard is not None and not out.storyboard.offline_draft
    assert [s["number"] for s in out.shots] == [s.number for s in out.storyboard.shots]
    assert all(s.action.startswith("MODEL shot") for s in out.storyboard.shots)  # the model's shots were drawn
    assert all(Path(loc.image_path).name.startswith("gemini-") for loc in request.locations)
    for shot in out.shots:
        if shot["type"] in ("insert", "product-hero"):
            continue  # these soften the set on purpose
        start, end = shot["window"]
        frame = grab_frame(out.video_path, (start + end) / 2, W, H).astype(np.int16)
        green = float((np.abs(frame - np.array(GREEN)).max(axis=-1) < 30).mean())
        assert green > 0.2, f"shot {shot['number']} ({shot['location']}) shows {green:.0%} of the Gemini plate"
    report = check_render(request, out)  # continuity holds the frames to the plates that were locked
    assert {"location:cafe", "location:office"} <= set(report.figures)
    assert report.passed, report.summary()  # incl. the location locks: the Gemini plates' content hashes
