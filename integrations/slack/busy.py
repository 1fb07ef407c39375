"""A busy database never drops a Slack event's work: retry within the turn, then tell the thread and re-queue.

SQLite has one writer; a lock held longer than the busy timeout (a long migration, a backup, a stuck process)
makes a write fail with "database is locked". The event was already acked, so Slack will not send it again — the
work must not be lost here. `retry_when_busy` wraps an event listener:
1. the listener runs; on a busy error the dedupe claims it wrote are released (integrations/slack/dedupe.py) and
   it runs again with exponential backoff (tenacity) for up to IN_TURN_SECONDS;
2. still busy: one friendly note in the thread (agent/user_errors.busy_note) and the listener is re-queued on a
   timer, after each of REQUEUE_DELAYS in turn; claims are released, so a redelivery could also do the work — the
   claim decides which one does it, once;
3. still busy after the last delay: the thread is told to send it again (and the log says which event).
Any other exception propagates unchanged (the listener reports it itself).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from agent.store.db import Store
from agent.user_errors import busy_note, is_database_busy
from integrations.slack import dedupe

log = logging.getLogger(__name__)
IN_TURN_SECONDS = 20.0
REQUEUE_DELAYS: tuple[float, ...] = (30.0, 120.0, 600.0)
Listener = Callable[..., None]


def _attempt(store: Store, work: Callable[[], None]) -> None:
    """Run once; on a busy error give back this attempt's claims before re-raising."""
    with dedupe.claims() as claimed:
        try:
            work()
        except Exception as exc:
            if is_database_busy(exc):
                try:
                    dedupe.release(store, claimed)
                except Exception as release_error:  # noqa: BLE001 - still busy: the keys stay; logged
                    log.warning("could not release dedupe claims %s: %s", claimed, type(release_error).__name__)
            raise


def run_in_turn(store: Store, work: Callable[[], None], seconds: float | None = None) -> None:
    """Run `work`, retrying busy errors with backoff for up to `seconds` (default IN_TURN_SECONDS)."""
    budget = IN_TURN_SECONDS if seconds is None else seconds
    for attempt in Retrying(retry=retry_if_exception(is_database_busy), stop=stop_after_delay(budget),
                            wait=wait_exponential(multiplier=0.1, max=4), reraise=True):
        with attempt:
            _attempt(store, work)


def _notify(kwargs: dict[str, Any], text: str) -> None:
    event, client = kwargs.get("event") or {}, kwargs.get("client")
    channel, ts = event.get("channel"), event.get("thread_ts") or event.get("ts")
    if client is None or not channel or not ts:
        return
    try:
        client.chat_postMessage(channel=channel, thread_ts=ts, text=text)
    except SlackApiError as error:
        log.warning("could not post the busy note: %s", error.response.get("error"))


def _run(store: Store, work: Callable[[], None], kwargs: dict[str, Any], delays: tuple[float, ...],
         label: str, first: bool = True) -> None:
    try:
        run_in_turn(store, work)
    except Exception as exc:
        if not is_database_busy(exc):
            raise
        if not delays:
            log.error("database still busy; gave up on %s", label)
            _notify(kwargs, busy_note(requeued=False))
            return
        log.warning("database busy; %s re-queued in %.0f s", label, delays[0])
        if first:  # one note, not one per attempt
            _notify(kwargs, busy_note(requeued=True))
        timer = threading.Timer(delays[0], _run, args=(store, work, kwargs, delays[1:], label, False))
        timer.daemon = True
        timer.name = "slack-busy-requeue"
        timer.start()


def retry_when_busy(store: Store) -> Callable[[Listener], Listener]:
    """Decorator for an event listener (Bolt injects by the wrapped function's argument names)."""

    def decorate(listener: Listener) -> Listener:
        @functools.wraps(listener)
        def wrapper(**kwargs: Any) -> None:
            event = kwargs.get("event") or {}
            label = f"{event.get('type', 'event')} {event.get('channel', '')}/{event.get('ts', '')}"
            _run(store, lambda: listener(**kwargs), kwargs, REQUEUE_DELAYS, label)

        return wrapper

    return decorate
