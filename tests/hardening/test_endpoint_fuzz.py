"""Property-based fuzzing of /slack/events: random bodies, headers, timestamps and signatures never get a 500 or a
traceback in the log, and unsigned input writes nothing to the database."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import rows, sign

pytestmark = pytest.mark.xdist_group("e2e")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
envelopes = st.fixed_dictionaries(
    {"type": st.sampled_from(["event_callback", "url_verification", "block_actions", "view_submission", "x"])},
    optional={"event": json_values | st.fixed_dictionaries(
        {"type": st.sampled_from(["message", "app_mention", "reaction_added", "app_home_opened"])},
        optional={"channel": json_values, "ts": json_values, "text": json_values, "item": json_values,
                  "user": json_values}),
        "event_id": json_values, "team_id": json_values, "challenge": json_values, "team": json_values,
        "authorizations": json_values, "user": json_values, "actions": json_values, "view": json_values})
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    envelopes.map(lambda v: json.dumps(v).encode()),
    envelopes.map(lambda v: ("payload=" + json.dumps(v)).encode()),
)
content_types = st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", "",
                                 "application/json; charset=utf-8", "multipart/form-data"])
timestamps = st.one_of(st.integers(-10**12, 10**12).map(str), st.text(max_size=12),
                       st.integers(-400, 400).map(lambda offset: str(int(time.time()) + offset)))
signing = st.sampled_from(["valid", "other-secret", "random", "missing", "other-body"])


class Collector(logging.Handler):
    """Every record the app logs while the fuzzer runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_fuzzed_requests_never_500_or_traceback(stack: Any, http: httpx.Client) -> None:
    collector = Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    previous = root.level
    root.setLevel(logging.DEBUG)
    store = stack.runtime.context.store

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(body=bodies, content_type=content_types, timestamp=timestamps, how=signing,
           signature=st.text(max_size=80), extra=st.dictionaries(st.sampled_from(
               ["X-Slack-Retry-Num", "X-Slack-Retry-Reason", "Content-Encoding", "X-Forwarded-For"]),
               st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20), max_size=2))
    def check(body: bytes, content_type: str, timestamp: str, how: str, signature: str,
              extra: dict[str, str]) -> None:
        headers = {**extra, "Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
        if how == "valid":
            headers["X-Slack-Signature"] = sign(body, timestamp)
        elif how == "other-secret":
            headers["X-Slack-Signature"] = sign(body, timestamp, "not-the-secret")
        elif how == "other-body":
            headers["X-Slack-Signature"] = sign(body + b"x", timestamp)
        elif how == "random":
            headers["X-Slack-Signature"] = signature
        headers = {k: v for k, v in headers.items()  # what an HTTP client can send at all
                   if v and v.isascii() and v == v.strip() and v.isprintable()}
        signed = how == "valid" and timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
        before = rows(store)
        answer = http.post(stack.server.url, content=body, headers=headers)
        assert answer.status_code < 500, (answer.status_code, body[:200], headers)
        if not signed:
            assert answer.status_code == 401
            assert rows(store) == before

    try:
        check()
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)
    tracebacks = [r.getMessage() for r in collector.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == []
