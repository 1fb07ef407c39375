"""A local Slack workspace for tests and the demo: Web API server, signed event sender, thread renderer.

    with SlackEmulator() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        sender = EventSender(slack, "http://127.0.0.1:3000/slack/events", signing_secret)
        sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "new season for Glow Serum")
        slack.wait_for(lambda m: m.get("user") == slack.workspace.bot_user_id)
        render_thread_html(slack, DRAMA_CHANNEL_ID, thread_ts, "out/thread.html")
"""

from __future__ import annotations

from integrations.slack.emulator.events import Delivery, EventSender
from integrations.slack.emulator.server import SlackEmulator
from integrations.slack.emulator.store import Message, RecordedCall, SlackMethodError, StoredFile
from integrations.slack.emulator.thread_html import render_thread_html
from integrations.slack.emulator.workspace import (
    APP_ID,
    APPROVER_ID,
    BOT_ID,
    BOT_USER_ID,
    DRAMA_CHANNEL_ID,
    MARKETER_DM_ID,
    MARKETER_ID,
    OTHER_ID,
    TEAM_ID,
    FakeChannel,
    FakeUser,
    Workspace,
)

__all__ = [
    "APPROVER_ID", "APP_ID", "BOT_ID", "BOT_USER_ID", "DRAMA_CHANNEL_ID", "MARKETER_DM_ID", "MARKETER_ID",
    "OTHER_ID", "TEAM_ID", "Delivery", "EventSender", "FakeChannel", "FakeUser", "Message", "RecordedCall",
    "SlackEmulator", "SlackMethodError", "StoredFile", "Workspace", "render_thread_html",
]
