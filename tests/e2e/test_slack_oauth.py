"""OAuth multi-workspace install against the emulator: /slack/install → oauth.v2.access → events authorized.

Slack's side of the exchange (oauth.v2.access) is added to this test's emulator with `register_method`; everything
else is the real app: Bolt's OAuth flow, slack_sdk's SQLAlchemy stores on our migrated database, uvicorn.
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from agent.settings import Settings
from integrations.demo.local_stack import LocalStack
from integrations.slack.emulator import APP_ID, BOT_ID, BOT_USER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, TEAM_ID
from integrations.slack.emulator.methods import MethodContext

pytestmark = pytest.mark.xdist_group("e2e")

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "emulator-oauth-client-secret"
CODE = "code-from-slack"
INSTALLED_TOKEN = "xoxb-installed-for-t-cliff"
BRIEF = "Brand: Lumen Coffee. Product: Night Brew can. Audience: nurses. 8 episodes, 30 seconds each."


def oauth_v2_access(ctx: MethodContext, params: dict[str, Any]) -> dict[str, Any]:
    """Slack's code exchange: the right code and client credentials get the workspace's bot token."""
    if params.get("client_id") != CLIENT_ID or params.get("client_secret") != CLIENT_SECRET:
        return {"ok": False, "error": "invalid_client_id"}
    if params.get("code") != CODE:
        return {"ok": False, "error": "invalid_code"}
    return {"ok": True, "app_id": APP_ID, "authed_user": {"id": MARKETER_ID}, "token_type": "bot",
            "scope": "app_mentions:read,chat:write", "access_token": INSTALLED_TOKEN, "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": "Cliffhanger Test"}, "enterprise": None,
            "is_enterprise_install": False}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The local stack in OAuth mode (client id + secret, no bot token)."""
    settings = Settings(CLIFFHANGER_HOME=tmp_path / "home", DATABASE_URL=None, GOOGLE_API_KEY=None, REDIS_URL=None,
                        SLACK_BOT_TOKEN=None, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    with LocalStack(settings, immediate_queue=True) as running:
        running.emulator.register_method("oauth.v2.access", oauth_v2_access)
        yield running


class Browser:
    """The installing person's browser: keeps the state cookie Bolt sets on /slack/install and sends it back.

    Bolt marks the cookie `Secure` (production runs behind https), so a stdlib cookie jar would drop it over the
    test's plain http; this keeps cookies by name, as a browser would over https.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, url: str) -> tuple[int, str]:
        """Status and body of a GET (errors included), remembering Set-Cookie."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, body, headers = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read().decode(), error.headers
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, body


def browser() -> Browser:
    """A fresh browser (no cookies)."""
    return Browser()


def get(opener: Browser, url: str) -> tuple[int, str]:
    """Status and body of a GET in `opener`."""
    return opener.get(url)


def start_install(stack: LocalStack, opener: Browser) -> str:
    """Open /slack/install; return the state from its Add-to-Slack link."""
    status, page = get(opener, f"{stack.server.root_url}/slack/install")
    assert status == 200
    link = html.unescape(re.search(r'href="(https://slack\.com/oauth/v2/authorize[^"]+)"', page).group(1))
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0].split(",")
    return query["state"][0]


def installed_bots(stack: LocalStack) -> list[Any]:
    """Rows of slack_bots (our database)."""
    with stack.runtime.context.store.engine.connect() as conn:
        return list(conn.execute(text("SELECT team_id, bot_token, bot_user_id FROM slack_bots")))


def test_install_then_events_are_answered_with_the_installed_token(stack: LocalStack) -> None:
    before = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    assert before.ok  # acknowledged, but the workspace is not installed: nothing may run
    opener = browser()
    state = start_install(stack, opener)
    status, page = get(opener, f"{stack.server.root_url}/slack/oauth_redirect?code={CODE}&state={state}")
    assert status == 200, page
    assert installed_bots(stack) == [(TEAM_ID, INSTALLED_TOKEN, BOT_USER_ID)]
    assert stack.emulator.calls_to("chat.postMessage") == []

    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF)
    reply = stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=30)
    assert reply.get("bot_id") == BOT_ID and reply["text"]
    posts = stack.emulator.calls_to("chat.postMessage")
    assert posts and {call.token for call in posts} == {INSTALLED_TOKEN}  # the poster used the workspace's token


def test_callback_with_a_forged_state_installs_nothing(stack: LocalStack) -> None:
    opener = browser()
    start_install(stack, opener)
    status, _page = get(opener, f"{stack.server.root_url}/slack/oauth_redirect?code={CODE}&state=forged-state")
    assert status >= 400
    assert installed_bots(stack) == [] and stack.emulator.calls_to("oauth.v2.access") == []


def test_state_is_single_use(stack: LocalStack) -> None:
    opener = browser()
    state = start_install(stack, opener)
    assert get(opener, f"{stack.server.root_url}/slack/oauth_redirect?code={CODE}&state={state}")[0] == 200
    replay = browser()  # an attacker replaying the callback URL (with a copied cookie) gets nothing new
    start_install(stack, replay)
    status, _page = get(replay, f"{stack.server.root_url}/slack/oauth_redirect?code={CODE}&state={state}")
    assert status >= 400 and len(stack.emulator.calls_to("oauth.v2.access")) == 1
