"""Helpers for end-to-end tests: wait for the workers to post review cards, and for the app to go quiet."""

from __future__ import annotations

import time

from integrations.demo.local_stack import LocalStack
from integrations.demo.season import wait_for_new_cards


def wait_for_cards(stack: LocalStack, season_id: int, want: int, timeout: float,
                   exclude: set[int] | None = None) -> dict[int, tuple[int, str]]:
    """Episode number → (render id, card ts) once `want` cards are posted."""
    from rich.console import Console

    return wait_for_new_cards(stack, season_id, want, Console(quiet=True), timeout, exclude)


def listeners_idle(stack: LocalStack) -> bool:
    """True when Bolt's listener pool has no queued and no running work.

    With process_before_response=False Bolt hands each listener to this pool *before* it acks, so once every event
    of interest has been acked, an idle pool means each of them has had all of its effects: the marker that lets
    a test assert "nothing (more) happened" without sleeping for a guessed time.
    """
    pool = stack.app.listener_runner.listener_executor  # type: ignore[attr-defined]
    # ThreadPoolExecutor: each worker thread releases the idle semaphore once per finished item, and a submit
    # takes one back; so all threads are idle exactly when the queue is empty and the count equals the threads.
    return pool._work_queue.empty() and pool._idle_semaphore._value >= len(pool._threads)


def wait_until_idle(stack: LocalStack, timeout: float = 60) -> None:
    """Wait until every acked event's listener has finished (see listeners_idle); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:  # three consecutive idle looks: a listener may hand a follow-up to the pool as it ends
        quiet = quiet + 1 if listeners_idle(stack) else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Slack listeners were still busy after {timeout}s")
        time.sleep(0.01)
