"""What a marketer reads when something fails: one place, plain words, the setting named, never a class name.

Why one place: the Slack listener, the terminal and the CLI each used to word failures themselves ("an unexpected
KeyRejectedError … please try again" — the setting was not named, and trying again could not help). `describe()`
turns any exception into a `UserError` (what happened, whether trying again can help, which setting to fix) and
`message()` into the sentence shown; text that came from outside services is passed through `redact()` first.

`agent/` imports no adapter, so adapter exceptions (HeyGen, TikTok, Slack, the webhook) are recognised by their
qualified class name in `ADAPTER_ERRORS` — a table, read in one place, not imports. An exception may also say
for itself which setting is at fault with a `setting` attribute (and `user_message` for its own wording).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from agent.redaction import redact

NOTHING_LOST = "Nothing you agreed so far is lost."


@dataclass(frozen=True)
class UserError:
    """A failure as the marketer should hear it."""

    text: str  # what happened, in their words
    retry_helps: bool = True  # False: trying again cannot help (a setting must change first)
    setting: str | None = None  # the environment variable to fix, when it is a configuration problem


def _key_rejected(setting: str, service: str) -> UserError:
    return UserError(f"{setting} was rejected by {service} — check it; nothing was changed.", False, setting)


def _tiktok(exc: BaseException) -> UserError:
    status = getattr(exc, "http_status", None)
    code = str(getattr(exc, "code", "") or "")
    if status in (401, 403) or "token" in code:
        return _key_rejected("TIKTOK_ACCESS_TOKEN", "TikTok")
    if getattr(exc, "retryable", False):
        return UserError("TikTok is busy right now; I'll try again later.")
    return UserError(f"TikTok refused it: {_outside_text(exc)}.", retry_helps=False)


def _slack(exc: BaseException) -> UserError:
    response = getattr(exc, "response", None)
    error = response.get("error", "unknown error") if hasattr(response, "get") else "unknown error"
    if error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive"):
        return _key_rejected("SLACK_BOT_TOKEN", "Slack")
    if error == "missing_scope":
        return UserError("the Slack app is missing a permission (scope); reinstall it from manifest.yml.",
                         False, "SLACK_BOT_TOKEN")
    return UserError(f"Slack refused a call ({error}).")


def _webhook(exc: BaseException) -> UserError:
    return UserError(f"WEBHOOK_URL was refused: {_outside_text(exc)}", False, "WEBHOOK_URL")


ADAPTER_ERRORS: dict[str, Callable[[BaseException], UserError]] = {
    "integrations.heygen.client.HeyGenKeyError": lambda exc: _key_rejected("HEYGEN_API_KEY", "HeyGen"),
    "integrations.tiktok.client.TikTokError": _tiktok,
    "slack_sdk.errors.SlackApiError": _slack,
    "integrations.webhook.UnsafeDestinationError": _webhook,
    "integrations.publishers.UnknownPublisherError": lambda exc: UserError(
        f"CLIFFHANGER_PUBLISHERS names a publisher I don't know ({_outside_text(exc)}).", False,
        "CLIFFHANGER_PUBLISHERS"),
    "integrations.backends.UnknownBackendError": lambda exc: UserError(
        f"CLIFFHANGER_VIDEO_BACKEND names a backend I don't know ({_outside_text(exc)}).", False,
        "CLIFFHANGER_VIDEO_BACKEND"),
}


def _outside_text(exc: BaseException) -> str:
    """The exception's own words, redacted and trimmed (outside services may echo headers or URLs)."""
    return redact(str(exc)).strip().rstrip(".")[:300] or "no details given"


def is_database_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy" (directly or wrapped by SQLAlchemy): worth a retry."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.OperationalError) and any(
                word in str(current).lower() for word in ("database is locked", "database is busy",
                                                          "database table is locked")):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _qualified_names(exc: BaseException) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]


def describe(exc: BaseException) -> UserError:
    """The marketer-facing reading of `exc` (most specific rule first)."""
    from agent.brain.errors import BrainError, KeyRejectedError

    setting = getattr(exc, "setting", None)
    own = getattr(exc, "user_message", None)
    if isinstance(setting, str) and setting:
        return UserError(redact(own) if isinstance(own, str) and own else
                         f"{setting} is not usable: {_outside_text(exc)}.", False, setting)
    if isinstance(exc, KeyRejectedError):
        return _key_rejected("GOOGLE_API_KEY", "Gemini")
    for name in _qualified_names(exc):
        if name in ADAPTER_ERRORS:
            return ADAPTER_ERRORS[name](exc)
    if isinstance(exc, BrainError):  # brains word their errors for the marketer already
        return UserError(_outside_text(exc) + ".")
    if is_database_busy(exc):
        return UserError("the database was busy and I couldn't save that in time; I'll pick it up again.")
    if _is_database_error(exc):
        return UserError("I couldn't reach the database (DATABASE_URL).", True, "DATABASE_URL")
    if isinstance(exc, TimeoutError):
        return UserError("a step took too long.")
    if isinstance(exc, (ConnectionError, OSError)):
        return UserError("a service I depend on could not be reached.")
    return UserError("something went wrong on my side.")


def _is_database_error(exc: BaseException) -> bool:
    return any(name.startswith("sqlalchemy.exc.") and name.endswith(("OperationalError", "InterfaceError"))
               for name in _qualified_names(exc))


def message(exc: BaseException, ref: str | None = None) -> str:
    """The one sentence (two at most) shown in the thread, the terminal or the CLI for a failed turn."""
    error = describe(exc)
    body = error.text.rstrip(".") + (f" (ref {ref})" if ref else "") + "."
    if error.retry_helps:
        return f"I hit a problem handling that: {body} {NOTHING_LOST} Please try again, or say status?"
    return body[0].upper() + body[1:]


def busy_note(requeued: bool) -> str:
    """What the thread hears when the database stayed busy through a turn's retries."""
    if requeued:
        return ("The database is busy right now, so I couldn't finish that yet — I've kept it and will "
                "pick it up again in a minute (no need to send it again).")
    return ("The database stayed busy and I still couldn't save that, so nothing was changed — please send it "
            "again in a few minutes.")
