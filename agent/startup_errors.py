"""Start-up and configuration failures as one line naming the setting, and exit code 2, for every CLI command.

Why: an unreachable DATABASE_URL, a SQLite file in a missing folder or a refused WEBHOOK_URL used to print a
480-line traceback that never named the setting. `explain()` maps what engine creation, settings validation and
plug-in construction raise to "SETTING: what is wrong (cause)" — passwords and tokens redacted — and `run()` wraps
the Typer app so those become one line on stderr and exit status 2. Anything not recognised is a bug and keeps its
traceback.

Adapter exceptions are recognised by qualified class name (agent/ imports no adapter), like agent/user_errors.py.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from agent.redaction import redact

EXIT_CONFIG = 2
_SECRET_NAME = re.compile(r"(?i)(secret|password|token|key|credential)")
_DB_ERRORS = ("sqlalchemy.exc.OperationalError", "sqlalchemy.exc.InterfaceError", "sqlalchemy.exc.ArgumentError",
              "sqlalchemy.exc.NoSuchModuleError", "psycopg.OperationalError", "sqlite3.OperationalError")
_PLUGIN_SETTINGS = {
    "integrations.webhook.WebhookError": "WEBHOOK_URL",
    "integrations.publishers.UnknownPublisherError": "CLIFFHANGER_PUBLISHERS",
    "integrations.backends.UnknownBackendError": "CLIFFHANGER_VIDEO_BACKEND",
    "agent.plugins.UnknownPluginError": "the plug-in settings (CLIFFHANGER_PUBLISHERS / CLIFFHANGER_VIDEO_BACKEND / "
                                        "CLIFFHANGER_VOICE)",
    "redis.exceptions.ConnectionError": "REDIS_URL",
    "botocore.exceptions.NoCredentialsError": "ARTIFACT_STORE_URL (AWS credentials)",
    "botocore.exceptions.ClientError": "ARTIFACT_STORE_URL",
    "botocore.exceptions.EndpointConnectionError": "ARTIFACT_STORE_ENDPOINT_URL",
}
# Settings fields named in plain messages ("needs webhook_url and webhook_secret") → their environment names.
_FIELD = re.compile(r"\b(webhook_url|webhook_secret|smtp_host|smtp_sender|email_recipients|tiktok_access_token|"
                    r"heygen_api_key|heygen_avatar_id|google_api_key|database_url|redis_url|artifact_store_url)\b")


class StartupError(Exception):
    """A configuration problem already worded as one line (raise it from a command to exit 2 with it)."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


def _names(exc: BaseException) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    line = re.sub(r"^\([\w.]+\)\s*", "", line)  # SQLAlchemy's "(psycopg.OperationalError) " prefix
    return re.sub(r"^connection failed:\s*", "", line)


def _validation(exc: Any) -> str:
    """pydantic's ValidationError: the first bad setting (its environment name), what's wrong, the value if safe."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    name = ".".join(str(part) for part in first.get("loc", ())) or str(getattr(exc, "title", "settings"))
    shown = "" if _SECRET_NAME.search(name) or "input" not in first or isinstance(first["input"], dict) \
        else f" (got {str(first['input'])[:60]!r})"
    more = f"; and {len(errors) - 1} more setting(s)" if len(errors) > 1 else ""
    return f"{name.upper()}: {first.get('msg', 'invalid value')}{shown}{more}"


def _database(exc: BaseException, database_url: str | None) -> str:
    cause = _first_line(str(getattr(exc, "orig", None) or exc))
    where = f"cannot use {database_url}" if database_url else "cannot use the SQLite file under CLIFFHANGER_HOME"
    if "Could not parse SQLAlchemy URL" in str(exc):
        return f"DATABASE_URL: not a database URL ({database_url or 'empty'})"
    if "Can't load plugin" in str(exc):
        return f"DATABASE_URL: unknown database kind in {database_url} (use postgresql://… or sqlite:///…)"
    return f"DATABASE_URL: {where} ({cause})"


def explain(exc: BaseException, database_url: str | None = None) -> str | None:
    """One line naming the setting and the cause (secrets redacted), or None when `exc` is not a config problem."""
    names = _names(exc)
    line: str | None = None
    if isinstance(exc, StartupError):
        line = str(exc)
    elif "pydantic_core._pydantic_core.ValidationError" in names:
        line = _validation(exc)
    elif any(name in _DB_ERRORS for name in names):
        line = _database(exc, database_url)
    else:
        setting = next((_PLUGIN_SETTINGS[name] for name in names if name in _PLUGIN_SETTINGS), None)
        if setting is None and isinstance(getattr(exc, "setting", None), str):
            setting = exc.setting  # type: ignore[attr-defined]
        if setting is not None:
            line = f"{setting}: {_first_line(str(exc))}"
        elif isinstance(exc, ValueError) and _FIELD.search(str(exc)):  # a plug-in factory's "needs webhook_url"
            text = _FIELD.sub(lambda m: m.group(1).upper(), _first_line(str(exc)))
            line = f"{_FIELD.search(str(exc)).group(1).upper()}: {text}"  # type: ignore[union-attr]
        elif isinstance(exc, PermissionError) and exc.filename:
            line = f"CLIFFHANGER_HOME: cannot write {exc.filename} ({exc.strerror})"
    return None if line is None else redact(line)


def _configured_database_url() -> str | None:
    """DATABASE_URL through Settings (never the environment directly); None when unset or unreadable."""
    try:
        from agent.settings import Settings

        return Settings().database_url
    except Exception:  # noqa: BLE001 - the settings themselves may be what is broken
        return None


def run(app: Callable[[], Any], *, stderr: Any = None) -> None:
    """Call the Typer app; a configuration problem becomes one line on stderr and exit status 2.

    Typer's pretty tracebacks print local variables by default — a URL with its password, a token — so they are
    turned off: a real bug still shows its traceback, without the values.
    """
    if hasattr(app, "pretty_exceptions_show_locals"):
        app.pretty_exceptions_show_locals = False
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # unrecognised exceptions are re-raised untouched
        line = explain(exc, _configured_database_url())
        if line is None:
            raise
        print(f"cliffhanger: {line}", file=stderr or sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
