"""The Gemini agent's message window: system prompt, the thread's recent history trimmed to a budget, this turn.

The history comes from the graph (agent.understanding.context.MessageContext) as marketer/agent exchanges. It is
turned into chat messages with the guard applied (an instruction-like earlier message never reaches the model
either) and trimmed with langchain's `trim_messages` before every model call, so a long thread costs a bounded
prompt; the message being understood and this turn's tool calls are never trimmed.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately, trim_messages

from agent.brain.router import looks_like_injection
from agent.understanding.context import EXCHANGE_CHARS, MessageContext

HISTORY_TOKENS = 500  # about 2,000 characters of earlier exchanges (approximate token count)
CURRENT_ID = "message-being-understood"
WITHHELD = "(an instruction-like message, withheld)"


def history_messages(context: MessageContext | None, text: str) -> list[BaseMessage]:
    """Earlier exchanges as chat messages, oldest first (the current message itself left out if already there)."""
    exchanges = list(context.history) if context is not None else []
    if exchanges and exchanges[-1].role == "marketer" and exchanges[-1].text == " ".join(text.split())[
            :EXCHANGE_CHARS]:
        exchanges = exchanges[:-1]
    messages: list[BaseMessage] = []
    for exchange in exchanges:
        said = WITHHELD if looks_like_injection(exchange.text) else exchange.text  # an agent reply may quote one
        messages.append(HumanMessage(said) if exchange.role == "marketer" else AIMessage(said))
    return messages


def window(messages: Sequence[BaseMessage], budget: int = HISTORY_TOKENS) -> list[BaseMessage]:
    """What the model is sent: the system prompt, the newest history within `budget`, and the whole current turn."""
    system = [m for m in messages[:1] if isinstance(m, SystemMessage)]
    start = next((i for i, m in enumerate(messages) if m.id == CURRENT_ID), len(messages))
    history = list(messages[len(system):start])
    kept = trim_messages(history, max_tokens=budget, token_counter=count_tokens_approximately, strategy="last",
                         start_on="human", allow_partial=False) if history else []
    return [*system, *kept, *messages[start:]]
