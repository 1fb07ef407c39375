"""The scenarios' second understander: the Gemini tool-calling agent against the local REST stand-in.

The stand-in's "model" is deterministic and stateless, like a model reading its context window: it reads the stage
from the system instruction and the message from the last user text, and plays a tool-calling loop over HTTP —
  1. when the message names episodes, characters or candidates, it first calls the read-only `season_facts`;
  2. it answers with one functionCall part per request, chosen among the tools the request declared (by the
     offline understander, so the expected reading is the same);
  3. once the functionResponse parts ("recorded: …" / "refused: …") come back, it answers with text.
What this exercises is everything around the model: the stage's tool declarations on the wire, Gemini's
functionCall parts parsed by langchain-google-genai, the guard and ToolNode, functionResponse parts sent back,
validation into the catalogue's typed actions, and the graph applying them. Writing (arcs, revisions, casting) stays
with the offline brain in both runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.brain.offline import OfflineBrain
from agent.understanding.actions import Action
from agent.understanding.context import MessageContext
from agent.understanding.understand import understand
from integrations.gemini.client import GeminiClient
from integrations.gemini.understander import GeminiUnderstander
from tests.fakes.gemini_server import FakeGemini, RecordedRequest, Reply

KEY = "scenario-key"
STAGE = re.compile(r"stage: \*\*(\w+)\*\*")
LOOK_FIRST = ("revise_episodes", "swap_character", "change_lead", "choose_option")


def _args(action: Action) -> dict[str, Any]:
    data = action.model_dump(exclude={"kind"}, exclude_none=True)
    if "fields" in data:
        fields = data.pop("fields")
        data.update({k: v for k, v in fields.items() if isinstance(v, str | int | float | list)})
    return data


def _episodes_in_arc(request: RecordedRequest) -> int | None:
    """The episode count the `season_facts` answer told the model, if it looked."""
    for call in request.function_responses:
        response = call.get("response") or {}
        if call.get("name") == "season_facts" and isinstance(response.get("episodes_in_arc"), int):
            return int(response["episodes_in_arc"])
    return None


def standin_model(request: RecordedRequest) -> Reply:
    """One step of the loop: look, act, or (once its calls are answered) reply with text."""
    responses = request.function_responses
    if any(r.get("name") != "season_facts" for r in responses):
        return Reply(parts=[{"text": "Noted, thanks."}])
    found = STAGE.search(request.prompt_text)
    stage = found.group(1) if found else "arc"
    offered = set(request.tool_names)
    actions = understand(request.last_user_text, stage, _episodes_in_arc(request))
    if not responses and "season_facts" in offered and any(a.kind in LOOK_FIRST for a in actions):
        return Reply(parts=[{"functionCall": {"name": "season_facts", "args": {}}}])
    calls = [{"functionCall": {"name": a.kind, "args": _args(a)}} for a in actions if a.kind in offered]
    return Reply(parts=calls or [{"text": "I am not sure."}])


@dataclass
class StandinStats:
    """What one conversation sent over HTTP to the stand-in (counted from the recorded requests)."""

    model_requests: int = 0  # generateContent requests that declared tools (understanding, not writing)
    function_calls: int = 0  # functionCall parts answered back as functionResponse parts
    messages: int = 0  # marketer messages that reached the model


def stats(fake: FakeGemini) -> StandinStats:
    """Count the tool-calling traffic of a finished conversation."""
    out = StandinStats()
    for request in fake.requests:
        if not request.tool_names:
            continue
        out.model_requests += 1
        out.function_calls += len(request.function_responses)
        out.messages += not request.function_calls
    return out


class GeminiEarBrain(OfflineBrain):
    """The offline brain for writing, with the Gemini tool-calling agent (against the stand-in) for understanding."""

    name = "offline+gemini-understander"

    def __init__(self, fake: FakeGemini) -> None:
        """Point a real GeminiClient at the stand-in."""
        self.fake = fake
        self._ear = GeminiUnderstander(GeminiClient(KEY, "gemini-2.5-flash", fake.base_url, backoff_s=0.001))

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None,
                   context: MessageContext | None = None) -> list[Any]:
        """Through the Gemini tool-calling agent."""
        return self._ear.understand(text, stage, episodes_in_arc, context)


def start_standin() -> FakeGemini:
    """A running stand-in that answers every request with the deterministic model above."""
    return FakeGemini(api_key=KEY).respond_with(standin_model).start()

