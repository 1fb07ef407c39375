"""The stand-in itself speaks the shapes other tests rely on: SSE streaming, functionCall parts, 404s."""

from __future__ import annotations

import httpx
from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import BaseModel

from tests.fakes.gemini_server import FakeGemini
from tests.integrations.gemini.conftest import KEY


class Pick(BaseModel):
    """A tool the model may call."""

    choice: int


def chat(fake: FakeGemini) -> ChatGoogleGenerativeAI:
    """The real client, pointed at the fake."""
    return ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY, base_url=fake.base_url,
                                  api_version="v1beta", max_retries=1)


def test_stream_uses_sse(fake: FakeGemini) -> None:
    fake.reply_text("hello there")
    text = "".join(str(chunk.content) for chunk in chat(fake).stream("hi"))
    assert text == "hello there"
    assert fake.requests[0].method == "streamGenerateContent" and "alt=sse" in fake.requests[0].query


def test_function_call_parts_become_tool_calls(fake: FakeGemini) -> None:
    fake.reply_function_call("Pick", {"choice": 2})
    message = chat(fake).bind_tools([Pick]).invoke("pick one")
    assert message.tool_calls[0]["name"] == "Pick" and message.tool_calls[0]["args"] == {"choice": 2}
    assert "tools" in fake.requests[0].body


def test_unknown_paths_and_v1_are_handled(fake: FakeGemini) -> None:
    assert httpx.post(f"{fake.base_url}/v2/whatever", json={}).status_code == 404
    fake.reply_text("ok")
    response = httpx.post(f"{fake.base_url}/v1/models/m:generateContent", json={"contents": []},
                          headers={"x-goog-api-key": KEY})
    assert response.json()["candidates"][0]["content"]["parts"] == [{"text": "ok"}]
    assert fake.pending == 0
