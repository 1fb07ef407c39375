"""The scenarios' second understander: Gemini function calling against the local REST stand-in.

The stand-in's "model" is deterministic: it reads the message the real client sent, and answers with functionCall
parts chosen among the tools the request declared (by the offline understander, so the expected reading is the
same). What this exercises is everything around the model: the stage's tool declarations on the wire, Gemini's
functionCall parts parsed by langchain-google-genai, validation into the catalogue's typed actions, the guard, and
the graph applying them. Writing (arcs, revisions, casting) stays with the offline brain in both runs.
"""

from __future__ import annotations

from typing import Any

from agent.brain.offline import OfflineBrain
from agent.understanding.actions import Action
from agent.understanding.understand import understand
from integrations.gemini.client import GeminiClient
from integrations.gemini.tools import GeminiUnderstander
from tests.fakes.gemini_server import FakeGemini, RecordedRequest, Reply

KEY = "scenario-key"
STAGE_OF = {"intake": "brief"}


def _args(action: Action) -> dict[str, Any]:
    data = action.model_dump(exclude={"kind"}, exclude_none=True)
    if "fields" in data:
        fields = data.pop("fields")
        data.update({k: v for k, v in fields.items() if isinstance(v, str | int | float)})
    return data


def standin_model(request: RecordedRequest) -> Reply:
    """Function calls for the request's last user message, limited to the tools it declared."""
    stage = next((s for s in ("brief", "arc", "cast", "look", "review") if f"**{s}**" in request.prompt_text), "arc")
    offered = set(request.tool_names)
    calls = [{"functionCall": {"name": a.kind, "args": _args(a)}}
             for a in understand(request.last_user_text, stage) if a.kind in offered]
    return Reply(parts=calls or [{"text": "I am not sure."}])


class GeminiEarBrain(OfflineBrain):
    """The offline brain for writing, with Gemini function calling (against the stand-in) for understanding."""

    name = "offline+gemini-understander"

    def __init__(self, fake: FakeGemini) -> None:
        """Point a real GeminiClient at the stand-in."""
        self.fake = fake
        self._ear = GeminiUnderstander(GeminiClient(KEY, "gemini-2.5-flash", fake.base_url, backoff_s=0.001))

    def understand(self, text: str, stage: str, episodes_in_arc: int | None = None) -> list[Any]:
        """Through Gemini function calling."""
        return self._ear.understand(text, STAGE_OF.get(stage, stage), episodes_in_arc)


def start_standin() -> FakeGemini:
    """A running stand-in that answers every request with the deterministic model above."""
    return FakeGemini(api_key=KEY).respond_with(standin_model).start()
