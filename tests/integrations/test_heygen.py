"""HeyGen backend against the local HeyGen stand-in: the real httpx client, a real composite render (slow)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agent.domain import LeadLock
from agent.ports import RenderRequest
from agent.settings import Settings
from integrations.backends import UnknownBackendError, make_backend
from integrations.heygen.backend import HeyGenBackend
from integrations.heygen.client import HeyGenClient, HeyGenError, HeyGenKeyError
from tests.fakes.heygen_server import FakeHeyGen
from tests.tools.conftest import LOOK_A, short_script
from tools.continuity import check_render
from tools.portrait import generate_portrait, image_hash
from tools.render.local import LocalRenderer
from tools.render.probe import probe


def _client(fake: FakeHeyGen, key: str | None = None) -> HeyGenClient:
    return HeyGenClient(key or fake.api_key, fake.base_url, backoff_s=0.001, poll_interval_s=0.001,
                        sleep=lambda _s: None)


@pytest.fixture
def lead(tmp_path: Path) -> LeadLock:
    """Maya, locked to a generated portrait."""
    path = generate_portrait("Maya", 7, tmp_path / "maya.png")
    return LeadLock(persona_id=1, name="Maya", portrait_path=str(path), portrait_hash=image_hash(path), seed=7)


def test_generate_wait_download_with_retries(tmp_path: Path) -> None:
    with FakeHeyGen(tmp_path / "srv", polls_before_done=2) as fake:
        fake.error_next(429, 503)
        client = _client(fake)
        inputs = [{"character": {"type": "avatar", "avatar_id": "a1", "avatar_style": "normal"},
                   "voice": {"type": "text", "input_text": "one two three four five", "voice_id": "v1"}}]
        video_id = client.generate(inputs, 1080, 1920)
        url = client.wait(video_id)
        path = client.download(url, tmp_path / "take.mp4")
        assert probe(path).duration_s == pytest.approx(2.0, abs=0.1)
        assert len(fake.generate_bodies()) == 3  # two scripted refusals, then accepted
        statuses = [r for r in fake.requests if r.path == "/v1/video_status.get"]
        assert len(statuses) == 3 and statuses[0].query["video_id"] == [video_id]
        api = [r for r in fake.requests if not r.path.startswith("/files/")]
        assert all(r.headers.get("x-api-key") == fake.api_key for r in api)
        download = [r for r in fake.requests if r.path.startswith("/files/")]
        assert len(download) == 1 and "x-api-key" not in download[0].headers  # the key stays with the API


def test_failures_are_reported(tmp_path: Path) -> None:
    with FakeHeyGen(tmp_path / "srv") as fake:
        with pytest.raises(HeyGenKeyError, match="HEYGEN_API_KEY"):
            _client(fake, "wrong").generate([{"x": 1}], 1080, 1920)
        with pytest.raises(HeyGenError, match="HTTP 400"):
            _client(fake).generate([], 1080, 1920)
        fake.error_next(503, 503, 503, 503)
        with pytest.raises(HeyGenError, match="HTTP 503"):
            _client(fake).generate([{"voice": {"input_text": "hi"}}], 1080, 1920)
        video_id = _client(fake).generate([{"voice": {"input_text": "hi"}}], 1080, 1920)
        fake.fail_next_video = "avatar not found"
        with pytest.raises(HeyGenError, match="avatar not found"):
            _client(fake).wait(video_id)
    with pytest.raises(HeyGenError, match="unreachable"):
        HeyGenClient("k", "http://127.0.0.1:9", attempts=2, sleep=lambda _s: None,
                     http=httpx.Client(timeout=0.5)).generate([{}], 1, 1)


def test_registry_builds_backends_by_name(tmp_path: Path) -> None:
    base = {"CLIFFHANGER_HOME": tmp_path, "GOOGLE_API_KEY": None, "CLIFFHANGER_VOICE": "silent"}
    local = make_backend("local", Settings(**base))
    assert isinstance(local, LocalRenderer) and local.voice is None
    heygen = make_backend("heygen", Settings(**base, HEYGEN_API_KEY="k", HEYGEN_AVATAR_ID="a1",
                                             HEYGEN_VOICE_ID="v1", HEYGEN_BASE_URL="http://127.0.0.1:9"))
    assert isinstance(heygen, HeyGenBackend) and heygen.name == "heygen"
    with pytest.raises(ValueError, match="HEYGEN_API_KEY"):
        make_backend("heygen", Settings(**base))
    with pytest.raises(UnknownBackendError, match="available: .*heygen, local"):
        make_backend("runway", Settings(**base))


@pytest.mark.slow
def test_episode_through_heygen_keeps_the_locked_look(tmp_path: Path, lead: LeadLock) -> None:
    request = RenderRequest(script=short_script(), look=LOOK_A, lead=lead, out_dir=tmp_path / "out",
                            season_title="Office Secrets", next_episode_label="Ep 4 drops Friday 6 pm")
    # the avatar was made from the lead's locked photo: the stand-in's takes show that photo
    with FakeHeyGen(tmp_path / "srv", picture=Path(lead.portrait_path)) as fake:
        backend = HeyGenBackend(_client(fake), "avatar-maya", "voice-maya", support_voice_ids=("voice-jonah",))
        output = backend.render(request)
        bodies = fake.generate_bodies()
    facts = probe(output.video_path)
    assert (facts.width, facts.height, facts.video_codec, facts.audio_codec) == (1080, 1920, "h264", "aac")
    assert output.voiced and output.voice == "heygen avatar avatar-maya"
    report = check_render(request, output)
    assert report.passed, report.summary()
    assert len(bodies) == 3  # one take per shot
    assert all(b["dimension"] == {"width": 1080, "height": 1920} for b in bodies)
    scenes = [scene for body in bodies for scene in body["video_inputs"]]
    assert [s["voice"]["input_text"] for s in scenes] == [line.text for line in request.script.lines]
    assert {s["character"]["avatar_id"] for s in scenes} == {"avatar-maya"}
    voices = {line.speaker: s["voice"]["voice_id"] for line, s in zip(request.script.lines, scenes, strict=True)}
    assert voices == {"Maya": "voice-maya", "Jonah": "voice-jonah"}
    assert {s["background"]["value"] for s in scenes} == {LOOK_A.palette.background}
    assert output.teaser_path is not None and 5.0 <= probe(output.teaser_path).duration_s <= 10.0
    again = backend.render(request)  # the takes are cached: no second bill, the same file
    assert again.file_hash == output.file_hash and len(fake.generate_bodies()) == 3


@pytest.mark.slow
def test_a_take_of_someone_else_fails_the_lead_check(tmp_path: Path, lead: LeadLock) -> None:
    request = RenderRequest(script=short_script(), look=LOOK_A, lead=lead, out_dir=tmp_path / "out")
    with FakeHeyGen(tmp_path / "srv") as fake:  # testsrc, not Maya
        output = HeyGenBackend(_client(fake), "avatar-x", "voice-x").render(request)
    report = check_render(request, output)
    checks = {c.name: c.passed for c in report.checks}
    assert checks["palette"] and checks["format"] and checks["audio"]
    assert not checks["lead"] and not report.passed
