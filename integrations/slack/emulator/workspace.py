"""The fake Slack workspace the emulator serves: team, bot identity, people and channels.

Kept as plain data so tests and the demo can read the ids they need (``workspace.marketer.id``) instead of
repeating string literals, and so a test can add a person or a channel before it starts talking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MARKETER_ID = "U_MARKETER"
APPROVER_ID = "U_APPROVER"
OTHER_ID = "U_OTHER"
DRAMA_CHANNEL_ID = "C_DRAMA"
MARKETER_DM_ID = "D_MARKETER"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T_CLIFF"
APP_ID = "A_CLIFF"


@dataclass(frozen=True)
class FakeUser:
    """A person (or the bot) in the workspace; enough profile for users.info and the thread renderer."""

    id: str
    name: str
    real_name: str
    title: str = ""
    avatar_color: str = "#4a154b"
    is_bot: bool = False
    tz: str = "America/New_York"

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """The user object users.info answers with (the fields Bolt apps and our code read)."""
        initials = "".join(part[0] for part in self.real_name.split()[:2]).upper()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": False,
            "is_bot": self.is_bot,
            "is_admin": False,
            "tz": self.tz,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "title": self.title,
                "email": f"{self.name}@example.com",
                "image_48": f"https://example.invalid/avatars/{initials or 'X'}.png",
                "team": team_id,
            },
        }


@dataclass(frozen=True)
class FakeChannel:
    """A conversation the emulator accepts messages in (public channel, or a DM when ``is_im``)."""

    id: str
    name: str
    is_im: bool = False
    im_user: str | None = None
    topic: str = ""

    def to_slack(self, created: int) -> dict[str, Any]:
        """The channel object conversations.info answers with."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_im,
            "is_group": False,
            "is_im": self.is_im,
            "is_private": self.is_im,
            "is_member": True,
            "created": created,
            "user": self.im_user,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` field of message events (``channel`` or ``im``)."""
        return "im" if self.is_im else "channel"


def _default_users() -> dict[str, FakeUser]:
    people = [
        FakeUser(MARKETER_ID, "maya", "Maya Marketer", "Brand Marketing Lead", "#e01e5a"),
        FakeUser(APPROVER_ID, "arjun", "Arjun Approver", "Head of Content", "#2eb67d"),
        FakeUser(OTHER_ID, "olly", "Olly Other", "Intern", "#ecb22e"),
        FakeUser(BOT_USER_ID, "cliffhanger", "Cliffhanger", "AI showrunner", "#36c5f0", is_bot=True),
    ]
    return {user.id: user for user in people}


def _default_channels() -> dict[str, FakeChannel]:
    channels = [
        FakeChannel(DRAMA_CHANNEL_ID, "mini-drama", topic="Branded mini-drama seasons"),
        FakeChannel(MARKETER_DM_ID, MARKETER_ID, is_im=True, im_user=MARKETER_ID),
    ]
    return {channel.id: channel for channel in channels}


@dataclass
class Workspace:
    """Team, bot identity, people and channels; one instance per emulator (no module-level state)."""

    team_id: str = TEAM_ID
    team_name: str = "Cliffhanger Demo"
    domain: str = "cliffhanger-demo"
    app_id: str = APP_ID
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    users: dict[str, FakeUser] = field(default_factory=_default_users)
    channels: dict[str, FakeChannel] = field(default_factory=_default_channels)

    @property
    def url(self) -> str:
        """The workspace URL auth.test reports."""
        return f"https://{self.domain}.slack.com/"

    @property
    def bot(self) -> FakeUser:
        """The bot's own user entry (so the renderer can show its name and colour)."""
        return self.users[self.bot_user_id]

    @property
    def marketer(self) -> FakeUser:
        """The person who briefs the showrunner."""
        return self.users[MARKETER_ID]

    @property
    def approver(self) -> FakeUser:
        """The person whose :+1: counts as an approval."""
        return self.users[APPROVER_ID]

    @property
    def other(self) -> FakeUser:
        """A bystander (for "only approvers may approve" tests)."""
        return self.users[OTHER_ID]

    @property
    def drama_channel(self) -> FakeChannel:
        """The public channel where seasons are discussed."""
        return self.channels[DRAMA_CHANNEL_ID]

    def add_user(self, user: FakeUser) -> FakeUser:
        """Register one more person (tests with several approvers)."""
        self.users[user.id] = user
        return user

    def add_channel(self, channel: FakeChannel) -> FakeChannel:
        """Register one more conversation; unknown channels are refused like in Slack."""
        self.channels[channel.id] = channel
        return channel

    def display_name(self, user_id: str | None) -> str:
        """A human label for a user id (falls back to the id so unknown users stay visible)."""
        if user_id is None:
            return "unknown"
        user = self.users.get(user_id)
        return user.real_name if user else user_id
