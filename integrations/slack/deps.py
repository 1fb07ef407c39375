"""What the Slack listeners need: the conversation (graph), the store, and the review channel."""

from __future__ import annotations

from dataclasses import dataclass

from agent.context import AppContext
from agent.conversation import Conversation


@dataclass
class SlackDeps:
    """Handed to every listener's register()."""

    app: AppContext
    conversation: Conversation
