"""Gemini image generation (portraits) and the LLM tone judge, through the real clients against the stand-in."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from agent.brain import KeyRejectedError
from agent.brain.errors import BrainError
from agent.brain.tone import judge
from agent.domain import PersonaBrief
from integrations.gemini.brain import GeminiBrain
from integrations.gemini.images import GeminiPortraits
from tests.fakes.gemini_server import FakeGemini, Reply
from tests.integrations.gemini.conftest import KEY


def png_b64(size: tuple[int, int] = (256, 320), colour: str = "#336699") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def image_reply(data: str) -> Reply:
    return Reply(parts=[{"text": "Here is the portrait."}, {"inlineData": {"mimeType": "image/png", "data": data}}])


def portraits(fake: FakeGemini, **options: object) -> GeminiPortraits:
    return GeminiPortraits(KEY, base_url=fake.base_url, backoff_s=0.001, **options)  # type: ignore[arg-type]


def test_portrait_from_inline_data_is_saved_as_png(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply(image_reply(png_b64()))
    path = portraits(fake)("Ada", 7, tmp_path / "ada.png", description="early 30s, red coat")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (256, 320)
    [request] = fake.requests
    assert request.model == "gemini-2.5-flash-image" and request.method == "generateContent"
    assert [m.upper() for m in request.generation_config["responseModalities"]] == ["TEXT", "IMAGE"]
    assert "Ada" in request.prompt_text and "red coat" in request.prompt_text and "seed: 7" in request.prompt_text


def test_reference_face_goes_in_as_inline_data(fake: FakeGemini, tmp_path: Path) -> None:
    reference = tmp_path / "ref.png"
    Image.new("RGB", (300, 300), "#aa0000").save(reference)
    fake.reply(image_reply(png_b64()))
    portraits(fake)("Ada", 1, tmp_path / "a.png", reference=reference)
    parts = fake.requests[0].body["contents"][0]["parts"]
    assert any("inlineData" in p or "inline_data" in p for p in parts)


def test_rate_limits_are_retried_then_the_image_arrives(fake: FakeGemini, tmp_path: Path) -> None:
    fake.reply_error(429).reply_error(500).reply(image_reply(png_b64()))
    assert portraits(fake)("Bo", 2, tmp_path / "bo.png").is_file()
    assert len(fake.requests) == 3


def test_text_only_or_broken_images_fall_back_offline(fake: FakeGemini, tmp_path: Path) -> None:
    fallbacks: list[str] = []

    def offline(name: str, seed: int, path: Path) -> Path:
        fallbacks.append(name)
        Image.new("RGB", (64, 64)).save(path)
        return path

    fake.reply_text("I can't draw people.")
    assert portraits(fake, fallback=offline)("Cy", 3, tmp_path / "cy.png").is_file() and fallbacks == ["Cy"]
    fake.reply(image_reply(base64.b64encode(b"garbage").decode()))
    with pytest.raises(BrainError, match="not a readable image"):
        portraits(fake)("Di", 4, tmp_path / "di.png")


def test_wrong_key_is_a_clear_error_never_a_fallback(fake: FakeGemini, tmp_path: Path) -> None:
    maker = GeminiPortraits("wrong-key-SECRET", base_url=fake.base_url, backoff_s=0.001,
                            fallback=lambda n, s, p: p)
    with pytest.raises(KeyRejectedError) as err:
        maker("Ed", 5, tmp_path / "ed.png")
    assert "GOOGLE_API_KEY" in str(err.value) and "SECRET" not in str(err.value)
    assert len(fake.requests) == 1


def test_tone_judge_uses_the_prompt_file_and_structured_output(fake: FakeGemini, brain: GeminiBrain) -> None:
    fake.reply_json({"score": 2, "verdict": "too loud", "notes": ["three exclamation marks in ep 1"]})
    bible = PersonaBrief(voice="dry and witty", banned_words=["cheap"])
    verdict = brain.judge_tone("Wow! Amazing! Buy now!", bible)
    assert (verdict.score, verdict.verdict, verdict.judge) == (2, "too loud", "Gemini")
    request = fake.requests[0]
    assert "tone editor" in request.prompt_text and "dry and witty" in request.prompt_text
    assert "cheap" in request.prompt_text and "Wow! Amazing!" in request.prompt_text
    assert "score" in request.generation_config["responseJsonSchema"]["properties"]
    assert "Gemini judge" in verdict.line()


def test_tone_judge_malformed_reply_is_repaired_or_falls_back(fake: FakeGemini, brain: GeminiBrain) -> None:
    fake.reply_text('{"score": 9, "verdict": "x"}', '{"score": 4, "verdict": "mostly on voice"}')
    assert brain.judge_tone("Quiet. A knock?", PersonaBrief()).score == 4 and len(fake.requests) == 2
    fake.reply_text("nope", "still nope")
    verdict = judge(brain, "Quiet. A knock?", PersonaBrief())
    assert verdict.judge == "offline" and "model judge unavailable" in verdict.notes
