"""The keyed path of the final render against the local stand-ins: spend approved → keyframes → clips → identity
checked → report, with one regeneration forced by the stand-in returning another person's face the first time.

The lead's locked reference is scikit-image's astronaut photo; the "wrong image" is a face from its LFW subset.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.domain import (
    CameraMove,
    EpisodeScript,
    FramePosition,
    InFrame,
    LeadLock,
    Line,
    LookSpec,
    Shot,
    ShotType,
    Storyboard,
)
from agent.ports import RenderRequest
from agent.services import spend
from agent.store.models import Approver, Season
from integrations.gemini.keyframes import GeminiKeyframes
from integrations.gemini.veo import VeoClient, vertex_client
from integrations.generative.backend import GenerativeBackend, from_settings
from integrations.generative.plan import line_items, season_line_items
from integrations.generative.settings import GenerativeSettings
from tests.fakes.veo_server import FakeVeo
from tools.render.probe import probe

skimage = pytest.importorskip("skimage")
DATA = Path(skimage.__file__).parent / "data"
APPROVER = "U_APPROVER"


class SeasonRenderRequest(RenderRequest):
    """The request as production will build it once it carries the season (see the report to the lead)."""

    season_id: int


def _other_person_png() -> bytes:
    """A face from scikit-image's LFW subset (another person), upscaled so the detector finds it in a frame."""
    face = (np.load(DATA / "lfw_subset.npy")[1] * 255).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(face).convert("RGB").resize((512, 512), Image.Resampling.BICUBIC).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def fake():
    with FakeVeo(size=(432, 768), clip_size=(432, 768), clip_fps=6, wrong_face=_other_person_png()) as server:
        yield server


@pytest.fixture
def season_id(store) -> int:
    with store.session() as session:
        season = Season(thread_key="T1:C1:1.0", title="The Last Latte")
        season.approvers = [Approver(user_id=APPROVER)]
        session.add(season)
        session.flush()
        return season.id


def _cfg(fake: FakeVeo, **extra) -> GenerativeSettings:
    return GenerativeSettings(GOOGLE_CLOUD_PROJECT="proj-1", VERTEX_BASE_URL=fake.base_url,
                              VERTEX_ACCESS_TOKEN=fake.token, max_candidates=extra.pop("candidates", 3),
                              frames_per_clip=2, regeneration_reserve=0.5, **extra)


def _backend(cfg: GenerativeSettings, store, fake: FakeVeo, veo: bool = True) -> GenerativeBackend:
    client = vertex_client("proj-1", "us-central1", base_url=fake.base_url, access_token=fake.token)
    keyframes = GeminiKeyframes(client, sleep=lambda s: None)
    motion = VeoClient(client, poll_interval_s=0, sleep=lambda s: None) if veo else None
    return GenerativeBackend(cfg, store, keyframes, motion)


def _request(tmp_path: Path, season_id: int, number: int = 1) -> SeasonRenderRequest:
    portrait = tmp_path / "sofia.png"
    if not portrait.exists():
        Image.open(DATA / "astronaut.png").convert("RGB").save(portrait)
    script = EpisodeScript(number=number, title="Spilled", cold_open="Sofia drops the cup.",
                           beat="The stranger picks it up.", cliffhanger="He knows her name.",
                           product_moment="the cup", lines=[Line(speaker="Sofia", text="Not again."),
                                                            Line(speaker="Sofia", text="Who are you?")])
    lead = LeadLock(persona_id=1, name="Sofia", portrait_path=str(portrait), portrait_hash="x", seed=1)
    board = Storyboard(episode=number, length_s=6.0, shots=[
        Shot(number=1, type=ShotType.CLOSE_UP, location="cafe", characters=[InFrame(name="Sofia")],
             speaker="Sofia", lines=[Line(speaker="Sofia", text="Not again.")], camera=CameraMove.PUSH_IN,
             duration_s=2.0),
        Shot(number=2, type=ShotType.INSERT, location="cafe", action="The cup spins on the floor.",
             duration_s=1.5, product=True),
        Shot(number=3, type=ShotType.TWO_SHOT, location="cafe", speaker="Marco",
             characters=[InFrame(name="Sofia", position=FramePosition.LEFT),
                         InFrame(name="Marco", position=FramePosition.RIGHT)],
             lines=[Line(speaker="Marco", text="I know your name.")], duration_s=2.5)])
    return SeasonRenderRequest(script=script, look=LookSpec(), lead=lead, out_dir=tmp_path / "out",
                               season_title="The Last Latte", width=360, height=640, fps=15, preset="ultrafast",
                               storyboard=board, season_id=season_id)


def _approve(store, season_id: int, cfg: GenerativeSettings, episodes: list[int], fake: FakeVeo,
             tmp_path: Path) -> int:
    """The estimate the backend makes from the episodes' storyboards, approved by the season's approver."""
    items = _backend(cfg, store, fake).estimate_items([_request(tmp_path, season_id, n) for n in episodes])
    card = spend.propose(store, season_id, episodes, items, cap_usd=cfg.season_budget_usd, requested_by="U_M")
    return spend.approve(store, card.estimate_id, APPROVER).estimate_id


@pytest.mark.slow
def test_keyed_path_spend_keyframes_clips_identity_report(store, season_id, fake, tmp_path):
    cfg = _cfg(fake)
    estimate_id = _approve(store, season_id, cfg, [1], fake, tmp_path)
    # the first keyframe shows another person; the first clip of that shot shows nobody
    fake.fail_next("wrong_person")
    fake.fail_veo("no_face")
    output = _backend(cfg, store, fake).render(_request(tmp_path, season_id))

    keyframe_calls = fake.requests_to(":generateContent")
    assert len(keyframe_calls) == 3 + 1  # three storyboard shots, one keyframe regeneration
    assert len(fake.started) == 3 + 1  # one Veo clip per shot, one clip regeneration
    assert output.identity.regenerations == 2 and not output.identity.flagged
    assert [r.shot for r in output.identity.shots] == ["shot01", "shot03"]  # the shots Sofia is in
    first = output.identity.shots[0]
    assert first.keyframe_candidates == 2 and first.clip_candidates == 2
    assert first.distance is not None and first.distance <= 0.5
    (line,) = output.identity_lines
    assert line.startswith("Sofia: identity distance 0.") and "(lock ≤ 0.50) in 2/2 shots" in line
    # the keyframe request carries Sofia's locked photo first, then the location; the prompt names the look
    sent = keyframe_calls[0]
    assert sent.images[0] == (tmp_path / "sofia.png").read_bytes() and len(sent.images) == 2
    assert "#F2C14E" in sent.text and "9:16" in sent.text
    assert len(keyframe_calls[2].images) == 1  # the insert shot: the location only
    assert output.motion == "veo" and output.estimate_id == estimate_id

    # spend: recorded per call, within the approval, with measured seconds
    expected = (3 + 1) * cfg.keyframe_usd + sum(p["parameters"]["durationSeconds"] for p in
                                                    (op.request for op in fake.started)) * cfg.veo_usd_per_second
    assert output.spend_usd == pytest.approx(expected, abs=0.01)
    assert spend.season_spend(store, season_id, cfg.season_budget_usd).spent_usd == pytest.approx(expected, abs=0.01)

    facts = probe(output.video_path)
    assert (facts.width, facts.height) == (360, 640) and facts.duration_s == pytest.approx(output.duration_s, abs=0.2)
    report = json.loads(output.report_path.read_text())
    assert report["identity_lines"] == output.identity_lines and report["pass"] == spend.FINAL_PASS_LABEL
    assert output.card_facts()["identity_flagged"] is False and output.card_facts()["regenerations"] == 2
    from tools.continuity import check_render

    assert check_render(_request(tmp_path, season_id), output).summary()  # the animatic's checks run on it too
    assert output.teaser_path.exists() and output.cover_path.exists()

    # the same request again re-uses what was paid for: no new calls, no new spend
    before = len(fake.requests)
    again = _backend(cfg, store, fake).render(_request(tmp_path, season_id))
    assert len(fake.requests) == before and again.spend_usd == pytest.approx(output.spend_usd)


def test_nothing_is_generated_without_an_approved_estimate(store, season_id, fake, tmp_path):
    cfg = _cfg(fake)
    items = line_items([{"shots": [4.0] * 3, "lines": 2}], cfg)
    spend.propose(store, season_id, [1], items, cap_usd=400)  # pending, not approved
    with pytest.raises(spend.SpendNotApproved, match="waiting for an approver"):
        _backend(cfg, store, fake).render(_request(tmp_path, season_id))
    plain = RenderRequest(**_request(tmp_path, season_id).model_dump(exclude={"season_id"}))
    with pytest.raises(spend.SpendNotApproved, match="names no season"):
        _backend(cfg, store, fake).render(plain)
    assert fake.requests == []


@pytest.mark.slow
def test_a_miss_that_persists_is_flagged_with_the_figure(store, season_id, fake, tmp_path):
    cfg = _cfg(fake, candidates=2)
    _approve(store, season_id, cfg, [1], fake, tmp_path)
    fake.fail_next("wrong_person", "wrong_person")  # both keyframe candidates of the first shot
    output = _backend(cfg, store, fake, veo=False).render(_request(tmp_path, season_id))
    assert output.identity.flagged and output.motion == "camera"
    (line,) = output.identity_lines
    assert "in 1/2 shots — over the lock in shot01 (0.8" in line, line
    assert fake.started == []  # camera moves: no Veo calls


@pytest.mark.slow
def test_cancel_mid_season_stops_spending(store, season_id, fake, tmp_path):
    cfg = _cfg(fake)
    estimate_id = _approve(store, season_id, cfg, [1, 2], fake, tmp_path)
    _backend(cfg, store, fake, veo=False).render(_request(tmp_path, season_id, 1))
    spent = spend.spent_on(store, estimate_id)
    spend.cancel(store, estimate_id, APPROVER)
    before = len(fake.requests)
    with pytest.raises(spend.SpendNotApproved, match="cancelled"):
        _backend(cfg, store, fake, veo=False).render(_request(tmp_path, season_id, 2))
    assert len(fake.requests) == before and spend.spent_on(store, estimate_id) == spent


def test_factory_builds_from_settings_values(store, fake):
    backend = from_settings(google_cloud_project="proj-1", vertex_base_url=fake.base_url,
                            vertex_access_token=fake.token, store=store)
    assert backend.name == "generative" and backend.veo is not None
    with pytest.raises(ValueError, match="GOOGLE_API_KEY"):
        from_settings(store=store, google_api_key=None, google_cloud_project=None)


def test_example_estimate_for_ten_one_minute_episodes():
    cfg = GenerativeSettings(GOOGLE_CLOUD_PROJECT="p", GOOGLE_API_KEY="k")
    items = season_line_items(10, 60, cfg)
    total = sum(i.amount_usd for i in items)
    assert [i.kind for i in items] == ["keyframe", "veo", "tts"]
    assert total == pytest.approx(125 * 0.039 + 750 * 0.20 + 120 * 0.002)


def test_registered_as_a_video_backend_plugin():
    from agent import plugins

    assert plugins.registered("video_backends")["generative"].value == "integrations.generative.backend:from_settings"


@pytest.mark.slow
def test_faults_reach_the_thread_as_clear_messages(store, season_id, fake, tmp_path):
    from integrations.gemini.keyframes import KeyframeBlocked
    from integrations.gemini.veo import VeoTimeout

    cfg = _cfg(fake, candidates=2)
    estimate_id = _approve(store, season_id, cfg, [1], fake, tmp_path)
    fake.fail_next("safety", "safety")  # every candidate of the first shot blocked
    with pytest.raises(KeyframeBlocked, match="real public figure"):
        _backend(cfg, store, fake, veo=False).render(_request(tmp_path, season_id))
    assert spend.spent_on(store, estimate_id) == 0  # blocked calls cost nothing
    fake.fail_veo("never_done")
    client = vertex_client("proj-1", "us-central1", base_url=fake.base_url, access_token=fake.token)
    backend = GenerativeBackend(cfg, store, GeminiKeyframes(client, sleep=lambda s: None),
                                VeoClient(client, poll_interval_s=0.01, timeout_s=0.3))
    with pytest.raises(VeoTimeout, match="did not finish the clip"):
        backend.render(_request(tmp_path, season_id))
