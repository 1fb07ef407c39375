"""A busy database never drops a Slack event's work: retry within the turn, then tell the thread and re-queue.

SQLite has one writer; a lock held longer than the busy timeout (a long migration, a backup, a stuck process)
makes a write fail with "database is locked". The event (or button click, or modal submission) was already acked,
so Slack will not send it again — the work must not be lost here. `retry_when_busy` wraps a listener; `where` says
which thread hears about it (`event_thread` for events, `action_thread` for clicks, the listener's own lookup for a
modal, whose payload names no channel):
1. the listener runs; on a busy error the dedupe claims it wrote are released (integrations/slack/dedupe.py) and
   it runs again with exponential backoff (tenacity) for up to IN_TURN_SECONDS;
2. still busy: one friendly note in the thread (agent/user_errors.busy_note) and the listener is re-queued on a
   timer, after each of REQUEUE_DELAYS in turn; claims are released, so a redelivery could also do the work — the
   claim decides which one does it, once;
3. still busy after the last delay: the thread is told to send it again (and the log says which event).
Any other exception propagates unchanged in the turn (the listener reports it itself); in a re-queued run, which
has no Bolt around it, it is logged. A retried listener calls ack() again: harmless, Bolt has already answered.
"""

from __future__ import annotations

import functools
import inspect
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
Where = Callable[[dict[str, Any]], "tuple[str, str] | None"]  # the request body → (channel, thread ts)


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


def run_in_turn(store: Store, work: Callable[[], None]) -> None:
    """Run `work`, retrying busy errors with backoff for up to IN_TURN_SECONDS (read per call: tests shorten it)."""
    for attempt in Retrying(retry=retry_if_exception(is_database_busy), stop=stop_after_delay(IN_TURN_SECONDS),
                            wait=wait_exponential(multiplier=0.1, max=4), reraise=True):
        with attempt:
            _attempt(store, work)


def event_thread(body: dict[str, Any]) -> tuple[str, str] | None:
    """An event's thread (or the message itself, which a reply would thread under)."""
    event = body.get("event") or {}
    channel, ts = event.get("channel"), event.get("thread_ts") or event.get("ts")
    return (channel, ts) if channel and ts else None


def action_thread(body: dict[str, Any]) -> tuple[str, str] | None:
    """A click's thread: the one the clicked message sits in (a card in a season thread), else under the message."""
    container, message = body.get("container") or {}, body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = (message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
          or container.get("message_ts"))
    return (channel, ts) if channel and ts else None


def _label(body: dict[str, Any]) -> str:
    """What the log names: the event, the clicked action or the submitted modal."""
    if event := body.get("event"):
        where = event.get("item") or event  # a reaction names the message it is on
        return f"{event.get('type', 'event')} {where.get('channel', '')}/{where.get('ts', '')}"
    if actions := body.get("actions"):
        return f"action {actions[0].get('action_id', '')} by {(body.get('user') or {}).get('id', '')}"
    if view := body.get("view"):
        return f"view {view.get('callback_id', '')} by {(body.get('user') or {}).get('id', '')}"
    return "listener"


def _notify(kwargs: dict[str, Any], where: Where, text: str) -> None:
    client = kwargs.get("client")
    try:
        place = where(kwargs.get("body") or {})
    except Exception as error:  # noqa: BLE001 - finding the thread may read the busy database; the work goes on
        log.warning("could not find the thread for the busy note: %s", type(error).__name__)
        return
    if client is None or place is None:
        return
    try:
        client.chat_postMessage(channel=place[0], thread_ts=place[1], text=text)
    except SlackApiError as error:
        log.warning("could not post the busy note: %s", error.response.get("error"))


def _run(store: Store, work: Callable[[], None], kwargs: dict[str, Any], where: Where,
         delays: tuple[float, ...], label: str, first: bool = True) -> None:
    try:
        run_in_turn(store, work)
    except Exception as exc:
        if not is_database_busy(exc):
            if first:
                raise
            log.exception("re-queued %s failed", label)  # a timer thread: nobody else would report it
            return
        if not delays:
            log.error("database still busy; gave up on %s", label)
            _notify(kwargs, where, busy_note(requeued=False))
            return
        log.warning("database busy; %s re-queued in %.0f s", label, delays[0])
        if first:  # one note, not one per attempt
            _notify(kwargs, where, busy_note(requeued=True))
        timer = threading.Timer(delays[0], _run, args=(store, work, kwargs, where, delays[1:], label, False))
        timer.daemon = True
        timer.name = "slack-busy-requeue"
        timer.start()


def retry_when_busy(store: Store, where: Where = event_thread) -> Callable[[Listener], Listener]:
    """Decorator for an event, action or view listener.

    Bolt injects arguments by the names it reads from the listener's signature; the wrapper's signature is the
    listener's plus `client` and `body`, which the note needs even when the listener itself does not ask for them.
    """

    def decorate(listener: Listener) -> Listener:
        wanted = list(inspect.signature(listener).parameters)

        @functools.wraps(listener)
        def wrapper(**kwargs: Any) -> None:
            own = {name: kwargs[name] for name in wanted if name in kwargs}
            _run(store, lambda: listener(**own), kwargs, where, REQUEUE_DELAYS, _label(kwargs.get("body") or {}))

        del wrapper.__wrapped__  # type: ignore[attr-defined]  # Bolt unwraps; it must read the signature below
        wrapper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
             for name in dict.fromkeys([*wanted, "client", "body"])])
        return wrapper

    return decorate
