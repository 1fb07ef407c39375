"""Logging that never prints a secret: a filter that redacts tokens and keys from every record.

Why a filter on the handlers rather than care at each call site: secrets leak through places we do not write —
an exception message that quotes a URL with a key, a library's debug line with a header, a traceback's locals. The
filter rewrites the final message (arguments merged) and the formatted traceback, so whatever reaches a log
handler has been scrubbed. Known shapes (Slack `xox?-`/`xapp-` tokens, Google API keys, bearer headers) are
caught by pattern; the configured values themselves (signing secret, client secret, keys) by exact match. The
scrubbing itself is agent.redaction.redact(), shared with the thread, the CLI and the database error columns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from agent.redaction import REDACTED, redact, register_secrets
from agent.settings import Settings

__all__ = ["REDACTED", "RedactingFilter", "configure_logging", "install_redaction", "secret_values"]


class RedactingFilter(logging.Filter):
    """Replace secrets in a record's message and traceback with [REDACTED]; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        """`text` scrubbed by agent.redaction (its shapes, the registered values, and this filter's own)."""
        return redact(text, self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place (message with its arguments merged, and the traceback text)."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still gets logged (scrubbed as-is)
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold (SecretStr fields), read through their accessor."""
    values: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        getter = getattr(value, "get_secret_value", None)
        if callable(getter):
            values.append(str(getter()))
    return values


def install_redaction(secrets: Iterable[str] = ()) -> RedactingFilter:
    """Attach one RedactingFilter to every handler that exists now (root's and named loggers'); the values are
    also registered with agent.redaction so thread, CLI and database text is scrubbed of them too."""
    secrets = list(secrets)
    register_secrets(secrets)
    redactor = RedactingFilter(secrets)
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(redactor)
    return redactor


def configure_logging(settings: Settings, level: int = logging.INFO) -> RedactingFilter:
    """The CLI's logging set-up: basicConfig, then redaction of the settings' secrets on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return install_redaction(secret_values(settings))
