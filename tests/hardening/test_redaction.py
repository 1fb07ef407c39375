"""redact(): every secret shape we have seen leak is removed, the words around it stay readable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.redaction import REDACTED, forget_secrets, redact, register_secrets

BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
USER = "xoxp-1111111111-2222222222-ZyXwVuTsRqPo"
APP = "xapp-1-A0123456789-1234567890-abcdef0123456789"
GOOGLE = "AIzaSyD-EXAMPLEexampleEXAMPLEexample12345"
AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TIKTOK = "act.example9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize("secret", [BOT, USER, APP, GOOGLE, AWS_ID])
def test_token_shapes(secret: str) -> None:
    out = redact(f"call failed with {secret} at step 2")
    assert secret not in out and out == f"call failed with {REDACTED} at step 2"


def test_tiktok_error_echoing_the_authorization_header() -> None:
    """The leak from the issue: an error body that quotes the request headers."""
    body = ('{"error": {"code": "access_token_invalid", "message": "bad header", '
            f'"request_headers": {{"Authorization": "Bearer {TIKTOK}", "Content-Type": "application/json"}}}}}}')
    out = redact(body)
    assert TIKTOK not in out and "act.example" not in out
    assert "access_token_invalid" in out and "Content-Type" in out


@pytest.mark.parametrize("text", [
    f"Authorization: Bearer {TIKTOK}",
    f"authorization: {TIKTOK}",
    f"{{'Authorization': 'Bearer {TIKTOK}'}}",
    "Authorization: Basic dXNlcjpwYXNzd29yZA==",
    f"Proxy-Authorization=token {TIKTOK}",
    f"sent bearer {TIKTOK} upstream",
])
def test_authorization_values(text: str) -> None:
    out = redact(text)
    assert TIKTOK not in out and "dXNlcjpwYXNzd29yZA" not in out and REDACTED in out


@pytest.mark.parametrize("param", ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature",
                                   "token", "sig", "X-Goog-Signature", "access_token", "key"])
def test_signed_url_query_parameters(param: str) -> None:
    url = f"https://bucket.s3.amazonaws.com/renders/ep1.mp4?X-Amz-Date=20261201T000000Z&{param}=s3cr3tVALUE99&x=1"
    out = redact(f"GET {url} failed: 403")
    assert "s3cr3tVALUE99" not in out
    assert "X-Amz-Date=20261201T000000Z" in out and "&x=1" in out and "ep1.mp4" in out


def test_url_password_and_json_fields() -> None:
    out = redact('could not connect to postgresql://app:hunter2pass@db.internal:5432/prod; '
                 '{"refresh_token": "rt-998877665544", "client_secret": "cs-1234567"}'
                 f" aws_secret_access_key={AWS_SECRET}")
    for secret in ("hunter2pass", "rt-998877665544", "cs-1234567", AWS_SECRET):
        assert secret not in out
    assert "postgresql://app:" in out and "@db.internal:5432/prod" in out


def test_registered_and_given_values() -> None:
    register_secrets(["plain-signing-secret-42", None, "abc"])
    out = redact("sig plain-signing-secret-42 and other-secret-value and abc", ["other-secret-value"])
    assert out == f"sig {REDACTED} and {REDACTED} and abc"  # values under 6 characters are never registered


@pytest.mark.parametrize("prose", [
    "xoxb is a word, so is xapp",
    "Bearer authentication failed; check the token",
    "the idempotency_key=ep-3 was already used",
    "Your episode 3 is approved by 2 of 3 approvers.",
    "",
])
def test_prose_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose
