"""Keyframe and Veo clients against the local stand-ins: the real google-genai code speaks the REST shapes, and every
fault (429, operation error, safety block, timeout) comes back as a clear message."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from PIL import Image

from integrations.gemini.backoff import genai_client
from integrations.gemini.keyframes import GeminiKeyframes, KeyframeBlocked, KeyframeError
from integrations.gemini.veo import (
    VeoClient,
    VeoError,
    VeoSafetyBlock,
    VeoTimeout,
    clip_seconds,
    vertex_client,
)
from tests.fakes.veo_server import FakeVeo


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def veo_fake():
    with FakeVeo(size=(144, 256), clip_size=(144, 256), clip_fps=6) as fake:
        yield fake


def _vertex(fake: FakeVeo):
    return vertex_client("proj-1", "us-central1", base_url=fake.base_url, access_token=fake.token)


def test_keyframe_through_vertex_carries_references_and_aspect(veo_fake):
    sleeps: list[float] = []
    keyframes = GeminiKeyframes(_vertex(veo_fake), sleep=sleeps.append, backoff_s=0.5)
    veo_fake.fail_next("429")
    data = keyframes.generate("Sofia at the counter", [_png((200, 10, 10))], _png((10, 10, 200)))
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (144, 256)
        assert image.getpixel((72, 100)) == (200, 10, 10)  # the character reference, pasted
        assert image.getpixel((2, 2)) == (10, 10, 200)  # the location
    calls = veo_fake.requests_to(":generateContent")
    assert len(calls) == 2 and sleeps == [0.5]  # one 429, one backoff, then success
    assert "/projects/proj-1/locations/us-central1/publishers/google/models/gemini-2.5-flash-image" in calls[0].path
    assert calls[-1].body["generationConfig"]["imageConfig"]["aspectRatio"] == "9:16"
    assert len(calls[-1].images) == 2 and "Sofia" in calls[-1].text


def test_keyframe_safety_block_shows_the_reason(veo_fake):
    veo_fake.fail_next("safety", "safety")
    with pytest.raises(KeyframeBlocked, match="real public figure"):  # Vertex passes the finishMessage through
        GeminiKeyframes(_vertex(veo_fake), sleep=lambda s: None).generate("x", [_png((1, 2, 3))])
    # the Developer API converter of google-genai 3.6 drops finishMessage: the finish reason is the reason shown
    with pytest.raises(KeyframeBlocked, match="IMAGE_SAFETY"):
        GeminiKeyframes(genai_client(veo_fake.api_key, veo_fake.base_url), sleep=lambda s: None).generate(
            "x", [_png((1, 2, 3))])


def test_keyframe_gives_up_after_repeated_429(veo_fake):
    keyframes = GeminiKeyframes(_vertex(veo_fake), attempts=2, sleep=lambda s: None)
    veo_fake.fail_next("429", "429")
    with pytest.raises(KeyframeError, match="busy \\(HTTP 429\\) after 2 tries"):
        keyframes.generate("x", [_png((1, 2, 3))])


@pytest.mark.parametrize("deliver", ["inline", "uri"])
def test_veo_starts_polls_and_downloads(veo_fake, tmp_path, deliver):
    veo_fake.deliver = deliver
    veo_fake.polls_until_done = 2
    sleeps: list[float] = []
    veo = VeoClient(_vertex(veo_fake), poll_interval_s=3, sleep=sleeps.append)
    out = veo.generate(_png((200, 10, 10), (144, 256)), "slow push-in", 4, tmp_path / "clip.mp4",
                       references=[_png((1, 1, 1))])
    assert out.read_bytes()[4:8] == b"ftyp"
    (op,) = veo_fake.started
    instance, parameters = op.request["instances"][0], op.request["parameters"]
    assert parameters["aspectRatio"] == "9:16" and parameters["durationSeconds"] == 4
    assert instance["prompt"] == "slow push-in" and instance["image"]["bytesBase64Encoded"]
    assert instance["referenceImages"][0]["referenceType"] == "ASSET"
    assert op.polls == 3 and sleeps == [3, 3, 3]
    assert len(veo_fake.requests_to(":fetchPredictOperation")) == 3
    assert len(veo_fake.requests_to("/files/")) == (1 if deliver == "uri" else 0)


def test_veo_backs_off_on_429(veo_fake, tmp_path):
    sleeps: list[float] = []
    veo = VeoClient(_vertex(veo_fake), poll_interval_s=0, backoff_s=1.5, sleep=sleeps.append)
    veo_fake.fail_veo("429", "429")
    veo.generate(_png((9, 9, 9), (144, 256)), "p", 4, tmp_path / "c.mp4")
    assert sleeps[:2] == [1.5, 3.0] and len(veo_fake.requests_to(":predictLongRunning")) == 3


def test_veo_operation_error_safety_and_timeout(veo_fake, tmp_path):
    ticks = itertools.count(0, 5)
    veo = VeoClient(_vertex(veo_fake), poll_interval_s=5, timeout_s=20, sleep=lambda s: None,
                    clock=lambda: float(next(ticks)))
    image = _png((9, 9, 9), (144, 256))
    veo_fake.fail_veo("op_error")
    with pytest.raises(VeoError, match="Video generation failed on the server"):
        veo.generate(image, "p", 4, tmp_path / "a.mp4")
    veo_fake.fail_veo("safety")
    with pytest.raises(VeoSafetyBlock, match="could depict a child") as blocked:
        veo.generate(image, "p", 4, tmp_path / "b.mp4")
    assert blocked.value.reasons
    veo_fake.fail_veo("never_done")
    with pytest.raises(VeoTimeout, match="within 20 s"):
        veo.generate(image, "p", 4, tmp_path / "c.mp4")
    assert not (tmp_path / "a.mp4").exists() and not (tmp_path / "c.mp4").exists()


def test_veo_bad_credentials_are_reported_without_the_token(veo_fake, tmp_path):
    veo = VeoClient(vertex_client("proj-1", "us-central1", base_url=veo_fake.base_url, access_token="wrong-secret"),
                    sleep=lambda s: None)
    with pytest.raises(VeoError) as refused:
        veo.generate(_png((9, 9, 9)), "p", 4, tmp_path / "a.mp4")
    assert "401" in str(refused.value) and "wrong-secret" not in str(refused.value)


def test_clip_seconds():
    assert [clip_seconds(s) for s in (1.2, 4.0, 4.5, 6.0, 7.9, 12)] == [4, 4, 6, 6, 8, 8]


def test_paths_exist():
    assert Path(__file__).exists()
