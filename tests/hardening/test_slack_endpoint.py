"""/slack/events: signature first (401 before any parsing), malformed input 400 with no traceback, and an event
missing channel/ts acked and ignored with one log line. Against the real Bolt app over HTTP."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import httpx
import pytest

from integrations.demo.local_stack import LocalStack
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID
from integrations.slack.emulator.payloads import envelope
from tests.hardening.conftest import rows, sign, signed_headers, tracebacks

pytestmark = pytest.mark.xdist_group("e2e")

FORM = "application/x-www-form-urlencoded"
MALFORMED: list[tuple[str, bytes, str]] = [
    ("not json", b"this is not json", "application/json"),
    ("json array", b'[{"type": "event_callback"}]', "application/json"),
    ("array without content type", b"[1, 2]", FORM),
    ("truncated json", b'{"type": "event_callback", "event": {', "application/json"),
    ("form payload not json", urlencode({"payload": "{not json"}).encode(), FORM),
    ("form payload array", urlencode({"payload": "[1]"}).encode(), FORM),
    ("event null", json.dumps({"type": "event_callback", "event_id": "Ev1", "event": None}).encode(),
     "application/json"),
    ("event without type", json.dumps({"type": "event_callback", "event_id": "Ev2", "event": {}}).encode(),
     "application/json"),
    ("type not a string", json.dumps({"type": ["event_callback"]}).encode(), "application/json"),
    ("url_verification without challenge", b'{"type": "url_verification", "event": null}', "application/json"),
    ("event not an object", b'{"event": 5}', "application/json"),
    ("nested item not an object", json.dumps({"type": "event_callback", "event": {"type": "reaction_added",
                                                                                 "item": None}}).encode(),
     "application/json"),
    ("authorizations not objects", json.dumps({"type": "event_callback", "event": {"type": "message"},
                                               "authorizations": [1]}).encode(), "application/json"),
    ("not utf-8", b'{"type": "\xff\xfe"}', "application/json"),
]


@pytest.mark.parametrize(("name", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_unsigned_malformed_is_401_before_parsing(stack: LocalStack, http: httpx.Client, caplog, name: str,
                                                  body: bytes, content_type: str) -> None:
    before = rows(stack.runtime.context.store)
    with caplog.at_level(logging.DEBUG):
        for headers in ({"Content-Type": content_type},
                        {**signed_headers(body, content_type), "X-Slack-Signature": "v0=" + "0" * 64},
                        signed_headers(body, content_type, offset=-400),
                        {**signed_headers(body, content_type), "X-Slack-Request-Timestamp": "soon"}):
            answer = http.post(stack.server.url, content=body, headers=headers)
            assert answer.status_code == 401, (name, headers, answer.text)
    assert not tracebacks(caplog.records)
    assert rows(stack.runtime.context.store) == before


@pytest.mark.parametrize(("name", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_signed_malformed_is_400_without_traceback(stack: LocalStack, http: httpx.Client, caplog, name: str,
                                                   body: bytes, content_type: str) -> None:
    before = rows(stack.runtime.context.store)
    with caplog.at_level(logging.DEBUG):
        answer = http.post(stack.server.url, content=body, headers=signed_headers(body, content_type))
    assert answer.status_code == 400, (name, answer.text)
    assert not tracebacks(caplog.records)
    assert rows(stack.runtime.context.store) == before


def test_url_verification_and_a_real_event_still_work(stack: LocalStack) -> None:
    assert stack.sender.url_verification("xyz").json() == {"challenge": "xyz"}
    delivery = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, "hello")
    assert delivery.acked_in_time
    # the turn runs after the ack: wait for its answer so later tests count rows on a quiet database
    assert stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, delivery.ts, delivery.ts or "", timeout=30)


@pytest.mark.parametrize("missing", ["channel", "ts"])
def test_event_missing_channel_or_ts_is_acked_and_ignored(stack: LocalStack, http: httpx.Client, caplog,
                                                          missing: str) -> None:
    event = {"type": "app_mention", "user": MARKETER_ID, "text": "<@UBOT> hi", "ts": "1700000000.000100",
             "channel": DRAMA_CHANNEL_ID, "event_ts": "1700000000.000100"}
    del event[missing]
    body = json.dumps(envelope(stack.emulator.workspace, event, "verification-token")).encode()
    before = rows(stack.runtime.context.store)
    with caplog.at_level(logging.INFO):
        answer = http.post(stack.server.url, content=body, headers=signed_headers(body))
    assert answer.status_code == 200
    ignored = [r for r in caplog.records if "ignored a app_mention event without" in r.getMessage()]
    assert len(ignored) == 1 and missing in ignored[0].getMessage()
    assert not tracebacks(caplog.records)
    assert rows(stack.runtime.context.store) == before


def test_reaction_without_item_is_acked_and_ignored(stack: LocalStack, http: httpx.Client, caplog) -> None:
    event = {"type": "reaction_added", "user": MARKETER_ID, "reaction": "+1", "event_ts": "1700000000.000200"}
    body = json.dumps(envelope(stack.emulator.workspace, event, "verification-token")).encode()
    with caplog.at_level(logging.INFO):
        answer = http.post(stack.server.url, content=body, headers=signed_headers(body))
    assert answer.status_code == 200
    assert any("without item" in r.getMessage() for r in caplog.records)
    assert not tracebacks(caplog.records)


def test_signature_is_over_the_exact_bytes(stack: LocalStack, http: httpx.Client) -> None:
    body = b'{"type": "url_verification", "challenge": "c1"}'
    headers = signed_headers(body)
    assert http.post(stack.server.url, content=body + b" ", headers=headers).status_code == 401
    headers["X-Slack-Signature"] = sign(body, headers["X-Slack-Request-Timestamp"], "another-secret")
    assert http.post(stack.server.url, content=body, headers=headers).status_code == 401
