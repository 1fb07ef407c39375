"""The whole product on embedded defaults: Slack emulator + real Bolt app over signed HTTP + queue workers.

`make demo` and the end-to-end tests both run on this, so what the tests prove is what the demo shows. It builds
the process through the same composition root as `cliffhanger slack` (agent/bootstrap.py) and only adds the
emulator, its signing secret and the embedded consumer.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

from agent.bootstrap import Runtime, build_runtime, build_slack_app, slack_adapters
from agent.conversation import Conversation
from agent.settings import Settings
from agent.store.db import Store
from integrations.slack.emulator import DRAMA_CHANNEL_ID, EventSender, SlackEmulator
from integrations.slack.server import SlackHttpServer

log = logging.getLogger(__name__)
EMULATOR_SIGNING_SECRET = "emulator-signing-secret"  # not a secret: the local emulator's own


@dataclass
class LocalStack:
    """Start with `with LocalStack(settings) as stack:`; everything stops on exit.

    With SLACK_CLIENT_ID/SLACK_CLIENT_SECRET in the settings the app runs in OAuth mode (the emulator's workspace
    must then be installed through /slack/install before its events are authorized).
    """

    settings: Settings
    immediate_queue: bool = False
    workers: int = 2
    emulator: SlackEmulator = field(init=False)
    runtime: Runtime = field(init=False)
    conversation: Conversation = field(init=False)
    server: SlackHttpServer = field(init=False)
    sender: EventSender = field(init=False)
    app: App = field(init=False)
    _stack: ExitStack = field(init=False, default_factory=ExitStack)

    def __enter__(self) -> LocalStack:  # noqa: PYI034 - a dataclass, never subclassed
        stack = self._stack
        self.emulator = stack.enter_context(SlackEmulator(files_dir=self.settings.home / "slack-files"))
        store = Store.open(self.settings.effective_database_url)
        client, channel, oauth = slack_adapters(self.settings, store, base_url=self.emulator.base_url,
                                                token="xoxb-local-emulator")
        self.runtime = build_runtime(self.settings, channel, store=store, immediate_queue=self.immediate_queue)
        self.conversation = stack.enter_context(Conversation(self.runtime.context))
        self.app = app = build_slack_app(self.runtime, self.conversation, client=client, oauth=oauth,
                                         signing_secret=EMULATOR_SIGNING_SECRET)
        # Runs after the server stopped (LIFO): turns already acked finish before the conversation closes.
        stack.callback(lambda: app.listener_runner.listener_executor.shutdown(wait=True))  # type: ignore[attr-defined]
        self.server = SlackHttpServer(app, port=0).start()
        stack.callback(self.server.stop)
        self.sender = EventSender(self.emulator, self.server.url, EMULATOR_SIGNING_SECRET, timeout=30)
        if not self.immediate_queue:
            consumer = self.runtime.queue.consumer(workers=self.workers)
            consumer.start()
            stack.callback(lambda: consumer.stop(graceful=True))
        stack.callback(self.runtime.close)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


@dataclass
class ScriptedPerson:
    """A person typing in one season thread and waiting for the bot's answer, like a real user would."""

    stack: LocalStack
    user: str
    channel: str = DRAMA_CHANNEL_ID
    thread_ts: str | None = None

    def start(self, text: str, expect: str, timeout: float = 60) -> dict[str, Any]:
        """@mention the bot to open a season thread; returns the bot's reply."""
        delivery = self.stack.sender.app_mention(self.user, self.channel, text)
        assert delivery.ts is not None
        self.thread_ts = delivery.ts
        return self.wait_for_bot(expect, after=delivery.ts, timeout=timeout)

    def say(self, text: str, expect: str, timeout: float = 60) -> dict[str, Any]:
        """Reply in the thread (no mention needed) and wait for a bot message containing `expect`."""
        delivery = self.stack.sender.user_message(self.user, self.channel, text, thread_ts=self.thread_ts)
        assert delivery.ts is not None
        return self.wait_for_bot(expect, after=delivery.ts, timeout=timeout)

    def wait_for_bot(self, expect: str, after: str, timeout: float = 60) -> dict[str, Any]:
        """The first bot message after `after` whose text contains `expect` (case-insensitive)."""
        bot = self.stack.emulator.workspace.bot_user_id
        needle = expect.lower()
        return self.stack.emulator.wait_for(
            lambda m: m.get("user") == bot and float(m["ts"]) > float(after) and needle in str(m.get("text", "")).lower(),
            timeout, channel=self.channel, thread_ts=self.thread_ts)
