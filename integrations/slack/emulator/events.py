"""``EventSender``: the people in the fake workspace, talking to a Bolt app over signed HTTP like Slack does.

Each helper first changes the emulator's record the way Slack would (the message exists, the reaction is on the
message) and then POSTs the event, so whatever the app reads back through the Web API is consistent with what it
was told. Requests are signed with the app's signing secret (``v0=HMAC_SHA256(secret, "v0:{ts}:{body}")``);
``with_options`` makes stale, badly signed or retried deliveries for the app's security and dedupe tests.
"""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from integrations.slack.emulator import payloads
from integrations.slack.emulator.server import SlackEmulator


@dataclass(frozen=True)
class Delivery:
    """What happened to one POST: the app's answer, how long it took, and what was sent."""

    status: int
    body: str
    elapsed_ms: float
    request_body: str
    request_headers: dict[str, str]
    event_id: str | None = None
    ts: str | None = None
    also: list[Delivery] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True for a 2xx answer (anything else makes real Slack retry)."""
        return 200 <= self.status < 300

    @property
    def acked_in_time(self) -> bool:
        """True when Slack would not retry: 2xx within 3 seconds."""
        return self.ok and self.elapsed_ms < 3000

    def json(self) -> Any:
        """The answer body parsed as JSON (e.g. a url_verification challenge or view errors)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class EventSender:
    """Signs and POSTs events and interactions to ``url`` (a Bolt app's ``/slack/events`` endpoint).

    Args:
        emulator: the workspace whose record each event updates first.
        url: e.g. ``http://127.0.0.1:3000/slack/events``.
        signing_secret: the app's signing secret.
        timestamp_offset: seconds added to "now" in X-Slack-Request-Timestamp (``-360`` = six minutes stale).
        bad_signature: sign with a wrong secret (the app must answer 401).
        retry_num / retry_reason: send X-Slack-Retry-Num / X-Slack-Retry-Reason like Slack's redeliveries.
        timeout: seconds to wait for the app's answer.
    """

    emulator: SlackEmulator
    url: str
    signing_secret: str
    verification_token: str = "verification-token"
    timestamp_offset: float = 0.0
    bad_signature: bool = False
    retry_num: int | None = None
    retry_reason: str = "http_timeout"
    timeout: float = 10.0

    def with_options(self, **changes: Any) -> EventSender:
        """A copy with other delivery options, e.g. ``sender.with_options(timestamp_offset=-360)``."""
        return dataclasses.replace(self, **changes)

    # -- raw sending ----------------------------------------------------------------------------------
    def headers_for(self, body: str, content_type: str) -> dict[str, str]:
        """Signed headers for ``body`` honouring this sender's timestamp / signature / retry options."""
        timestamp = str(int(time.time() + self.timestamp_offset))
        secret = self.signing_secret + "-wrong" if self.bad_signature else self.signing_secret
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": signature or ""}
        if self.retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(self.retry_num)
            headers["X-Slack-Retry-Reason"] = self.retry_reason
        return headers

    def post(self, body: str, content_type: str = "application/json", *, event_id: str | None = None,
             ts: str | None = None) -> Delivery:
        """POST an exact body, signed; never raises for HTTP errors (the status is the point of many tests)."""
        headers = self.headers_for(body, content_type)
        request = urllib.request.Request(self.url, data=body.encode("utf-8"), headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, answer = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read().decode("utf-8", "replace")
        elapsed = (time.perf_counter() - started) * 1000
        return Delivery(status, answer, elapsed, body, headers, event_id, ts)

    def send_event(self, event: dict[str, Any], *, ts: str | None = None) -> Delivery:
        """Wrap one event in an ``event_callback`` envelope and deliver it."""
        wrapped = payloads.envelope(self.emulator.workspace, event, self.verification_token)
        return self.post(json.dumps(wrapped), event_id=wrapped["event_id"], ts=ts)

    def redeliver(self, delivery: Delivery, retry_num: int = 1, reason: str = "http_timeout") -> Delivery:
        """Send the same body again as Slack's retry N (same event_id; fresh timestamp and signature)."""
        retrier = self.with_options(retry_num=retry_num, retry_reason=reason)
        content_type = delivery.request_headers.get("Content-Type", "application/json")
        return retrier.post(delivery.request_body, content_type, event_id=delivery.event_id, ts=delivery.ts)

    def url_verification(self, challenge: str = "challenge-token") -> Delivery:
        """The handshake Slack does when the Request URL is saved; the app must echo the challenge."""
        body = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        return self.post(json.dumps(body))

    # -- people typing --------------------------------------------------------------------------------
    def user_message(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Delivery:
        """A person posts ``text`` (in ``thread_ts``'s thread when given): stored, then sent as ``message``."""
        message = self.emulator.post_as_user(user, channel, text, thread_ts)
        chan = self.emulator.workspace.channels[channel]
        return self.send_event(payloads.message_event(message, chan), ts=message["ts"])

    def file_share(self, user: str, channel: str, path: Path, text: str = "",
                   thread_ts: str | None = None) -> Delivery:
        """A person attaches a file (logo, font, portrait) with an optional comment, in a thread."""
        message = self.emulator.share_file_as_user(user, channel, path, text, thread_ts)
        chan = self.emulator.workspace.channels[channel]
        event = payloads.message_event(message, chan)
        event.update(subtype="file_share", files=message["files"], upload=True)
        return self.send_event(event, ts=message["ts"])

    def app_mention(self, user: str, channel: str, text: str, thread_ts: str | None = None, *,
                    also_message: bool = False) -> Delivery:
        """A person @mentions the bot; ``also_message`` adds the ``message`` twin Slack sends alongside.

        ``<@BOT>`` is prefixed when the text does not mention the bot already. The twin delivery (different
        event_id, same ts) is in ``Delivery.also``.
        """
        mention = f"<@{self.emulator.workspace.bot_user_id}>"
        if mention not in text:
            text = f"{mention} {text}"
        message = self.emulator.post_as_user(user, channel, text, thread_ts)
        chan = self.emulator.workspace.channels[channel]
        primary = self.send_event(payloads.message_event(message, chan, "app_mention"), ts=message["ts"])
        if not also_message:
            return primary
        twin = self.send_event(payloads.message_event(message, chan), ts=message["ts"])
        return dataclasses.replace(primary, also=[twin])

    def echo_bot_message(self, channel: str, ts: str) -> Delivery:
        """Deliver the ``message`` event Slack sends for the bot's own post (the app must ignore it).

        Real Slack echoes every message in a subscribed channel, the bot's included; Bolt drops those whose
        user/bot id match auth.test. Tests use this to prove the app cannot answer itself in a loop.
        """
        message = self.emulator.message(channel, ts)
        if message is None:
            raise LookupError(f"no message {ts} in {channel}")
        event = payloads.message_event(message, self.emulator.workspace.channels[channel])
        event.update({"bot_id": message.get("bot_id"), "app_id": message.get("app_id"),
                      "bot_profile": message.get("bot_profile")})
        event.pop("client_msg_id", None)
        return self.send_event(event, ts=ts)

    def reaction_added(self, user: str, reaction: str, channel: str, ts: str) -> Delivery:
        """A person reacts (e.g. ``+1`` or ``+1::skin-tone-3``) to the message ``ts``."""
        message = self.emulator.react(user, channel, ts, reaction)
        event = payloads.reaction_event("reaction_added", user, reaction, channel, message,
                                        self.emulator.store.next_ts())
        return self.send_event(event, ts=ts)

    def reaction_removed(self, user: str, reaction: str, channel: str, ts: str) -> Delivery:
        """A person takes a reaction back."""
        message = self.emulator.unreact(user, channel, ts, reaction)
        event = payloads.reaction_event("reaction_removed", user, reaction, channel, message,
                                        self.emulator.store.next_ts())
        return self.send_event(event, ts=ts)

    def app_home_opened(self, user: str, tab: str = "messages") -> Delivery:
        """A person opens the app's Home or Messages tab (agent view's entry point)."""
        channel = next((c.id for c in self.emulator.workspace.channels.values() if c.is_im and c.im_user == user),
                       None)
        event = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                 "event_ts": self.emulator.store.next_ts()}
        return self.send_event(event)

    # -- interactivity --------------------------------------------------------------------------------
    def _post_payload(self, payload: dict[str, Any]) -> Delivery:
        """Interactive payloads are form-encoded ``payload=<json>``, signed over that exact body."""
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def block_action(self, user: str, action_id: str, value: str | None, channel: str, message_ts: str,
                     thread_ts: str | None = None, *, block_id: str | None = None, strict: bool = True) -> Delivery:
        """A person clicks a button on the message ``message_ts``.

        With ``strict`` the button must exist on the stored message (a person cannot click what was never
        posted); the button's block_id, text and value are taken from it unless given.
        """
        ws = self.emulator.workspace
        message = self.emulator.message(channel, message_ts)
        found = payloads.find_element(message, action_id) if message else None
        if strict and found is None:
            raise LookupError(f"no element {action_id!r} on message {message_ts} in {channel}")
        found_block, element = found or ("", {})
        action = {"type": element.get("type", "button"), "action_id": action_id,
                  "block_id": block_id or found_block or "actions",
                  "text": element.get("text", {"type": "plain_text", "text": action_id}),
                  "value": value if value is not None else element.get("value"),
                  "action_ts": self.emulator.store.next_ts()}
        if message is not None and thread_ts and not message.get("thread_ts"):
            message["thread_ts"] = thread_ts
        payload = payloads.block_actions_payload(
            ws, user=user, channel=ws.channels[channel], message=message, message_ts=message_ts, action=action,
            trigger_id=self.emulator.issue_trigger(user),
            response_url=self.emulator.issue_response_url(user, channel, message_ts,
                                                          thread_ts or (message or {}).get("thread_ts")),
            verification_token=self.verification_token)
        return self._post_payload(payload)

    def view_submission(self, user: str, values: dict[str, dict[str, Any]], view_id: str | None = None) -> Delivery:
        """A person submits a modal the app opened (the latest one they saw unless ``view_id``).

        ``values`` is Slack's ``state.values`` (``{block_id: {action_id: {...}}}``); a plain string stands
        for a plain_text_input's value.
        """
        views = [v for v in self.emulator.views() if v.get("type") == "modal"]
        view = next((v for v in views if v["id"] == view_id), None) if view_id else next(
            (v for v in reversed(views) if v.get("user") == user), None)
        if view is None:
            raise LookupError(f"no open modal {view_id or ''} for {user}")
        payload = payloads.view_submission_payload(
            self.emulator.workspace, user=user, view=view, values=values,
            trigger_id=self.emulator.issue_trigger(user), verification_token=self.verification_token)
        return self._post_payload(payload)
