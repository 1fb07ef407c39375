"""The Slack emulator against the real slack-sdk WebClient and a real Bolt app served over HTTP."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from integrations.slack.emulator import (
    APPROVER_ID,
    BOT_USER_ID,
    DRAMA_CHANNEL_ID,
    MARKETER_ID,
    OTHER_ID,
    EventSender,
    SlackEmulator,
    render_thread_html,
)

SECRET = "test-signing-secret"
C = DRAMA_CHANNEL_ID


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackEmulator]:
    """A started emulator writing uploads under tmp_path."""
    with SlackEmulator(files_dir=tmp_path / "uploads") as emulator:
        yield emulator


@pytest.fixture
def client(slack: SlackEmulator) -> WebClient:
    """The real slack-sdk client pointed at the emulator."""
    return WebClient(token="xoxb-test", base_url=slack.base_url)


# -- Web API ----------------------------------------------------------------------------------------------
def test_post_reply_update_and_replies(slack: SlackEmulator, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=C, text="Season 1 brief received")
    reply = client.chat_postMessage(channel=C, text="Arc drafted", thread_ts=parent["ts"],
                                    blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Arc*"}}])
    assert float(reply["ts"]) > float(parent["ts"])
    client.chat_update(channel=C, ts=reply["ts"], text="Arc v2")

    thread = client.conversations_replies(channel=C, ts=parent["ts"])
    assert thread["ok"] and thread["has_more"] is False
    assert [m["text"] for m in thread["messages"]] == ["Season 1 brief received", "Arc v2"]
    assert thread["messages"][0]["reply_count"] == 1
    assert thread["messages"][1]["thread_ts"] == parent["ts"]
    assert thread["messages"][1]["user"] == BOT_USER_ID and thread["messages"][1]["edited"]
    assert [m["ts"] for m in slack.messages(C, thread_ts=parent["ts"])] == [parent["ts"], reply["ts"]]
    assert slack.calls_to("chat.update")[0].params["ts"] == reply["ts"]
    history = client.conversations_history(channel=C)["messages"]
    assert [m["ts"] for m in history] == [parent["ts"]]


def test_form_encoded_post_decodes_blocks(slack: SlackEmulator, client: WebClient) -> None:
    blocks = [{"type": "divider"}]
    client.api_call("chat.postMessage", params={"channel": C, "text": "form", "blocks": '[{"type":"divider"}]'})
    client.chat_postMessage(channel=C, text="json", blocks=blocks)
    assert [m["blocks"] for m in slack.messages(C)] == [blocks, blocks]


def test_slack_errors_are_reported_like_slack(slack: SlackEmulator, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C_NOPE", text="x")
    assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=slack.base_url).chat_postMessage(channel=C, text="x")
    assert err.value.response["error"] == "not_authed"
    human = slack.post_as_user(MARKETER_ID, C, "hello")
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel=C, ts=human["ts"], text="hijack")
    assert err.value.response["error"] == "cant_update_message"
    assert client.users_info(user=APPROVER_ID)["user"]["real_name"] == "Arjun Approver"
    assert client.conversations_info(channel=C)["channel"]["name"] == "mini-drama"


def test_reactions_and_ephemeral(slack: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=C, text="Episode 1 ready")["ts"]
    client.reactions_add(channel=C, timestamp=ts, name="eyes")
    slack.react(APPROVER_ID, C, ts, "+1")
    message = client.reactions_get(channel=C, timestamp=ts)["message"]
    assert {r["name"]: r["users"] for r in message["reactions"]} == {"eyes": [BOT_USER_ID], "+1": [APPROVER_ID]}
    client.chat_postEphemeral(channel=C, user=OTHER_ID, text="Only approvers can approve", thread_ts=ts)
    assert [m["text"] for m in slack.ephemerals(OTHER_ID)] == ["Only approvers can approve"]
    assert slack.messages(C)[-1]["text"] == "Episode 1 ready"  # ephemeral stays out of the channel


def test_files_upload_v2_into_thread(slack: SlackEmulator, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=C, text="Season 1")["ts"]
    video = b"\x00\x00\x00\x18ftypmp42fake-episode"
    result = client.files_upload_v2(content=video, filename="episode-01.mp4", title="Episode 1",
                                    channel=C, thread_ts=parent, initial_comment="Episode 1 render")
    file_id = result["file"]["id"]
    assert [f.id for f in slack.files()] == [file_id]
    stored = slack.files()[0]
    assert stored.data == video and stored.path is not None and stored.path.read_bytes() == video
    assert stored.title == "Episode 1" and stored.mimetype == "video/mp4"
    file_message = slack.messages(C, thread_ts=parent)[-1]
    assert file_message["files"][0]["id"] == file_id and file_message["text"] == "Episode 1 render"
    share = client.files_info(file=file_id)["file"]["shares"]["public"][C][0]
    assert share["ts"] == file_message["ts"] and share["thread_ts"] == parent
    assert slack.calls_to("upload")[0].params["size"] == len(video)


def test_rate_limit_answers_429_and_retry_handler_recovers(slack: SlackEmulator, client: WebClient) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel=C, text="too fast")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"

    slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    patient = WebClient(token="xoxb-test", base_url=slack.base_url,
                        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert patient.chat_postMessage(channel=C, text="after waiting")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]
    assert [m["text"] for m in slack.messages(C)] == ["after waiting"]


def test_wait_for_times_out_with_a_useful_message(slack: SlackEmulator) -> None:
    with pytest.raises(TimeoutError, match="no matching message"):
        slack.wait_for(lambda m: m["text"] == "never", timeout=0.2)


# -- A real Bolt app over HTTP ----------------------------------------------------------------------------
class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


@dataclass
class BoltHarness:
    """A Bolt app served on 127.0.0.1 plus what its listeners saw."""

    url: str
    sender: EventSender
    seen: list[dict[str, Any]] = field(default_factory=list)

    def wait_seen(self, kind: str, predicate: Any = None, timeout: float = 5.0) -> dict[str, Any]:
        """The first event of ``kind`` a listener recorded (listeners run after the ack, on Bolt's threads)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [s for s in list(self.seen) if s["kind"] == kind and (predicate is None or predicate(s))]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"the app never saw {kind}; saw {[s['kind'] for s in self.seen]}")


@pytest.fixture
def bolt(slack: SlackEmulator) -> Iterator[BoltHarness]:
    """A minimal real Bolt app (auth.test on the emulator) behind wsgiref, and an EventSender for it."""
    app = App(signing_secret=SECRET, client=WebClient(token="xoxb-test", base_url=slack.base_url))
    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    harness = BoltHarness(url, EventSender(slack, url, SECRET))

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Any, request: BoltRequest) -> None:
        retry = request.headers.get("x-slack-retry-num") or [None]
        harness.seen.append({"kind": "app_mention", "retry": retry[0], **event})
        say(text=f"On it, <@{event['user']}>!", thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        harness.seen.append({"kind": "message", **event})

    @app.event("reaction_added")
    def on_reaction(event: dict[str, Any]) -> None:
        harness.seen.append({"kind": "reaction_added", **event})

    @app.event("reaction_removed")
    def on_unreaction(event: dict[str, Any]) -> None:
        harness.seen.append({"kind": "reaction_removed", **event})

    @app.action("approve")
    def on_approve(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        harness.seen.append({"kind": "approve", **body})
        client.views_open(trigger_id=body["trigger_id"], view={
            "type": "modal", "callback_id": "notes", "title": {"type": "plain_text", "text": "Notes"},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [{"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "Note"},
                        "element": {"type": "plain_text_input", "action_id": "text"}}]})

    @app.view("notes")
    def on_notes(ack: Any, view: dict[str, Any]) -> None:
        ack()
        harness.seen.append({"kind": "notes", "note": view["state"]["values"]["note"]["text"]["value"]})

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield harness
    finally:
        server.shutdown()
        server.server_close()


def test_signed_app_mention_gets_a_threaded_reply(slack: SlackEmulator, bolt: BoltHarness) -> None:
    delivery = bolt.sender.app_mention(MARKETER_ID, C, "a new season for Glow Serum please")
    assert delivery.status == 200 and delivery.acked_in_time and delivery.ts
    reply = slack.wait_for_bot_reply(C, delivery.ts, after_ts=delivery.ts, timeout=5)
    assert reply["text"] == f"On it, <@{MARKETER_ID}>!" and reply["thread_ts"] == delivery.ts
    assert slack.calls_to("auth.test"), "Bolt verifies its token against the emulator"
    thread = WebClient(token="xoxb-test", base_url=slack.base_url).conversations_replies(channel=C, ts=delivery.ts)
    assert [m["user"] for m in thread["messages"]] == [MARKETER_ID, BOT_USER_ID]


def test_double_delivery_and_retry_headers(slack: SlackEmulator, bolt: BoltHarness) -> None:
    delivery = bolt.sender.app_mention(MARKETER_ID, C, "hello", also_message=True)
    assert delivery.ok and delivery.also[0].ok and delivery.also[0].event_id != delivery.event_id
    retry = bolt.sender.redeliver(delivery, retry_num=1)
    assert retry.ok and retry.event_id == delivery.event_id
    slack.wait_for(lambda m: m["user"] == BOT_USER_ID and m.get("reply_count") is None, timeout=5)
    slack.store.wait(lambda: len(slack.messages(C)) == 3, timeout=5)  # mention + one reply per delivery
    mentions = [s for s in bolt.seen if s["kind"] == "app_mention"]
    assert sorted(str(s["retry"]) for s in mentions) == ["1", "None"]
    assert bolt.wait_seen("message")["ts"] == delivery.ts


def test_the_bots_own_echoed_message_is_ignored_by_bolt(slack: SlackEmulator, bolt: BoltHarness) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    own = client.chat_postMessage(channel=C, text="Episode 1 is rendering")["ts"]
    assert bolt.sender.echo_bot_message(C, own).ok
    human = bolt.sender.user_message(MARKETER_ID, C, "thanks")
    bolt.wait_seen("message", lambda s: s["ts"] == human.ts)
    assert [s["ts"] for s in bolt.seen if s["kind"] == "message"] == [human.ts]


@pytest.mark.parametrize("options", [{"bad_signature": True}, {"timestamp_offset": -360}])
def test_bad_signature_and_stale_timestamp_are_refused(slack: SlackEmulator, bolt: BoltHarness,
                                                       options: dict[str, Any]) -> None:
    delivery = bolt.sender.with_options(**options).app_mention(MARKETER_ID, C, "let me in")
    assert delivery.status == 401
    assert not slack.calls_to("chat.postMessage") and not bolt.seen


def test_reaction_and_thread_message_reach_the_app(slack: SlackEmulator, bolt: BoltHarness) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    parent = bolt.sender.user_message(MARKETER_ID, C, "brief: serum launch").ts
    assert parent is not None
    card = client.chat_postMessage(channel=C, thread_ts=parent, text="Episode 1: approve?")["ts"]
    reply = bolt.sender.user_message(MARKETER_ID, C, "looks great", thread_ts=parent)
    assert bolt.sender.reaction_added(APPROVER_ID, "+1", C, card).ok
    assert [r["users"] for r in slack.message(C, card)["reactions"]] == [[APPROVER_ID]]  # type: ignore[index]
    reaction = bolt.wait_seen("reaction_added")
    assert reaction["item"] == {"type": "message", "channel": C, "ts": card} and reaction["item_user"] == BOT_USER_ID
    threaded = bolt.wait_seen("message", lambda s: s["ts"] == reply.ts)
    assert threaded["thread_ts"] == parent and threaded["text"] == "looks great"
    assert bolt.sender.reaction_removed(APPROVER_ID, "+1", C, card).ok
    assert "reactions" not in slack.message(C, card)  # type: ignore[operator]
    assert bolt.wait_seen("reaction_removed")["reaction"] == "+1"


def test_button_click_opens_modal_and_submission_arrives(slack: SlackEmulator, bolt: BoltHarness) -> None:
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    card = client.chat_postMessage(channel=C, text="Episode 1", blocks=[{
        "type": "actions", "block_id": "review",
        "elements": [{"type": "button", "action_id": "approve", "value": "render-1",
                      "text": {"type": "plain_text", "text": "Approve"}}]}])["ts"]
    with pytest.raises(LookupError):
        bolt.sender.block_action(APPROVER_ID, "missing", None, C, card)
    click = bolt.sender.block_action(APPROVER_ID, "approve", None, C, card)
    assert click.status == 200
    approve = bolt.wait_seen("approve")
    assert approve["actions"][0]["value"] == "render-1" and approve["actions"][0]["block_id"] == "review"
    assert approve["user"]["id"] == APPROVER_ID and approve["container"]["message_ts"] == card
    slack.wait_for_call("views.open", timeout=5)
    assert slack.views()[0]["user"] == APPROVER_ID
    submitted = bolt.sender.view_submission(APPROVER_ID, {"note": {"text": "warmer light"}})
    assert submitted.status == 200
    assert bolt.wait_seen("notes")["note"] == "warmer light"


# -- Thread HTML ------------------------------------------------------------------------------------------
def test_thread_html_shows_messages_blocks_reactions_and_playable_video(slack: SlackEmulator, client: WebClient,
                                                                       tmp_path: Path) -> None:
    parent = slack.post_as_user(MARKETER_ID, C, f"<@{BOT_USER_ID}> new season for *Glow Serum* <script>x</script>")
    ts = parent["ts"]
    client.chat_postMessage(channel=C, thread_ts=ts, text="Arc ready", blocks=[
        {"type": "header", "text": {"type": "plain_text", "text": "Season arc"}},
        {"type": "section", "text": {"type": "mrkdwn",
                                     "text": f"Hi <@{MARKETER_ID}>, _8 episodes_:\n• cold open\n• `beat`"}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://example.com|bible>"}]}])
    client.files_upload_v2(content=b"fake-mp4", filename="episode-01.mp4", title="Episode 1", channel=C,
                           thread_ts=ts)
    card = client.chat_postMessage(channel=C, thread_ts=ts, text="Approve episode 1?", blocks=[
        {"type": "actions", "block_id": "review", "elements": [
            {"type": "button", "action_id": "approve", "style": "primary", "value": "r1",
             "text": {"type": "plain_text", "text": "Approve"}},
            {"type": "button", "action_id": "changes", "value": "r1",
             "text": {"type": "plain_text", "text": "Request changes"}}]}])["ts"]
    slack.react(APPROVER_ID, C, card, "+1")
    slack.react(MARKETER_ID, C, card, "+1::skin-tone-3")
    client.chat_postEphemeral(channel=C, user=OTHER_ID, thread_ts=ts, text="Only approvers can approve")

    page = render_thread_html(slack, C, ts, tmp_path / "out" / "thread.html")
    doc = page.read_text()
    assert doc.count('class="message ') == 5
    for message in slack.messages(C, thread_ts=ts):
        assert f'data-ts="{message["ts"]}"' in doc
    assert "<script>" not in doc and "&lt;script&gt;" in doc
    assert '@Maya Marketer' in doc and "<b>Glow Serum</b>" in doc and "<i>8 episodes</i>" in doc
    assert "<li>cold open</li>" in doc and "<code>beat</code>" in doc and "<h3>Season arc</h3>" in doc
    assert 'href="https://example.com"' in doc and "<hr>" in doc
    assert 'data-action-id="approve"' in doc and "button-primary" in doc
    video = re.search(r'<div class="file file-video"[^>]*><video controls[^>]*src="([^"]+)"', doc)
    assert video is not None and not video.group(1).startswith("http")
    assert (page.parent / video.group(1)).read_bytes() == b"fake-mp4"
    reaction = re.search(r'<span class="reaction" data-name="\+1" data-users="U_APPROVER"[^>]*>', doc)
    assert reaction is not None and 'title="Arjun Approver reacted with :+1:"' in reaction.group(0)
    assert '<span class="reaction-users">Arjun Approver</span>' in doc and "👍🏼" in doc
    assert "Only visible to Olly Other" in doc and "4 replies" in doc


@pytest.mark.parametrize(("source", "expected"), [
    ("*bold* and _it_ ~s~", "<b>bold</b> and <i>it</i> <s>s</s>"),
    ("<https://a.b/c?x=1&amp;y=2|the cut>",
     '<a href="https://a.b/c?x=1&amp;y=2" target="_blank" rel="noopener">the cut</a>'),
    ("a &lt;b&gt; <javascript:alert(1)|x>", "a &lt;b&gt; &lt;javascript:alert(1)|x&gt;"),
    ("2*3*4 snake_case_name", "2*3*4 snake_case_name"),
    ("one\n• a\n- b\nafter", "one<ul><li>a</li><li>b</li></ul>after"),
])
def test_mrkdwn_conversion(source: str, expected: str) -> None:
    from integrations.slack.emulator.mrkdwn import mrkdwn_to_html

    assert mrkdwn_to_html(source) == expected
