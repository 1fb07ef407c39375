"""Soak: 2,000 signed Slack events against the running app, on SQLite or PostgreSQL — acks, lost work, duplicates,
memory.

The real Bolt app over HTTP (uvicorn) with the Slack emulator as its Web API (integrations/demo/local_stack.py),
offline brain, no renders. The mix is what a busy workspace sends: @mentions that open season threads, replies in
those threads, reactions, and Slack's retries of events it already delivered (same event_id, X-Slack-Retry-Num,
fresh signature). A separate process sends them (`--fire`), as Slack does from another machine, at `--rate` events
per second, signing each just before it goes out.

Figures:
- acked / p99_ack_ms: 2xx within 3 s, measured by the sender (Slack retries anything slower);
- lost: distinct events whose work is missing after the app drained — no dedupe row for the event, or a turn
  (mention or thread reply) that never finished (its "is thinking…" status never cleared);
- duplicates: turns that ran more than once (more "is thinking…" statuses than distinct turn events);
- rss_growth: resident memory at the end (after the app drained) ÷ after the warm-up (the season threads' opening
  mentions and the first tenth of the mix). The emulator lives in the same process and keeps every message and
  call it saw, so this over-states the app's own growth a little.
Targets: acked == events, lost == 0, duplicates == 0, rss_growth ≤ 1.2.

    .venv/bin/python bench/soak.py [--events 2000] [--database sqlite|postgres] [--rate 25] [--json]

With --json the last line is one JSON object: {"events", "acked", "p99_ack_ms", "lost", "duplicates", "rss_growth"}.
PostgreSQL: a fresh schema in --pg-dsn (default postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from agent.settings import Settings
from agent.store.models import EventLog
from integrations.demo.local_stack import EMULATOR_SIGNING_SECRET, LocalStack
from integrations.slack.emulator import DRAMA_CHANNEL_ID, MARKETER_ID, OTHER_ID, payloads

BRIEF = "Brand: Brand{n}. Product: Can{n}. Audience: night-shift nurses. 8 episodes, 30 seconds each."
REPLIES = ("status?", "help", "where are we?", "who approves?")
REACTIONS = ("eyes", "fire", "tada", "heart", "+1", "raised_hands", "rocket", "star")
MIX = {"mention": 0.08, "reply": 0.22, "reaction": 0.45, "retry": 0.25}
WARMUP_MENTIONS = 20


@dataclass
class Event:
    """One delivery to send: the body, whether it is a retry, and what work it should cause."""

    kind: str
    body: str
    event_id: str
    turn_ts: str | None = None  # mentions and replies: the message whose turn must run once
    retry: int = 0


@dataclass
class Plan:
    """Every delivery in sending order, and what the app must have done at the end."""

    events: list[Event] = field(default_factory=list)

    @property
    def distinct(self) -> list[Event]:
        return [e for e in self.events if not e.retry]

    @property
    def turn_events(self) -> list[Event]:
        return [e for e in self.distinct if e.turn_ts]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def rss_mb() -> float:
    """This process's resident set (the app, its listener threads and the emulator live here)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---- building the traffic ------------------------------------------------------------------------------------
def _envelope(stack: LocalStack, event: dict[str, Any]) -> tuple[str, str]:
    body = payloads.envelope(stack.emulator.workspace, event, stack.sender.verification_token)
    return json.dumps(body), body["event_id"]


def mention(stack: LocalStack, n: int) -> Event:
    ws = stack.emulator.workspace
    message = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID,
                                          f"<@{ws.bot_user_id}> " + BRIEF.format(n=n))
    body, event_id = _envelope(stack, payloads.message_event(message, ws.channels[DRAMA_CHANNEL_ID],
                                                             "app_mention"))
    return Event("mention", body, event_id, turn_ts=message["ts"])


def reply(stack: LocalStack, thread_ts: str, rng: random.Random) -> Event:
    ws = stack.emulator.workspace
    message = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, rng.choice(REPLIES), thread_ts)
    body, event_id = _envelope(stack, payloads.message_event(message, ws.channels[DRAMA_CHANNEL_ID]))
    return Event("reply", body, event_id, turn_ts=message["ts"])


def reaction(stack: LocalStack, targets: list[str], used: set[tuple[str, str, str]], rng: random.Random) -> Event:
    """A reaction nobody made yet (Slack allows one per user, name and message) on one of `targets`."""
    while True:
        user, name, target_ts = rng.choice((MARKETER_ID, OTHER_ID)), rng.choice(REACTIONS), rng.choice(targets)
        if (user, name, target_ts) not in used:
            used.add((user, name, target_ts))
            break
    message = stack.emulator.react(user, DRAMA_CHANNEL_ID, target_ts, name)
    event = payloads.reaction_event("reaction_added", user, name, DRAMA_CHANNEL_ID, message,
                                    stack.emulator.store.next_ts())
    body, event_id = _envelope(stack, event)
    return Event("reaction", body, event_id)


def plan_main(stack: LocalStack, total: int, threads: list[str], rng: random.Random, start: int) -> Plan:
    """`total` deliveries in the MIX, replies and reactions on the warm-up threads, retries of earlier events."""
    plan = Plan()
    targets, used = list(threads), set[tuple[str, str, str]]()
    counts = {kind: int(total * share) for kind, share in MIX.items()}
    counts["reaction"] += total - sum(counts.values())
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(kinds)
    for index, kind in enumerate(kinds):
        if kind == "retry" and not plan.events:
            kind = "reaction"
        if kind == "mention":
            plan.events.append(mention(stack, start + index))
        elif kind == "reply":
            plan.events.append(reply(stack, rng.choice(threads), rng))
            targets.append(str(plan.events[-1].turn_ts))
        elif kind == "reaction":
            plan.events.append(reaction(stack, targets, used, rng))
        else:
            original = rng.choice(plan.distinct[-200:])
            plan.events.append(Event(original.kind, original.body, original.event_id, original.turn_ts,
                                     retry=rng.randint(1, 3)))
    return plan


# ---- sending (in a child process) -----------------------------------------------------------------------------
def _sign(body: bytes, timestamp: str, secret: str) -> str:
    return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def fire(url: str, secret: str, items: list[dict[str, Any]], rate: float, concurrency: int) -> list[dict[str, Any]]:
    """POST every item at `rate` per second (signed at send time); status and milliseconds per request."""
    interval = 1.0 / rate if rate > 0 else 0.0
    started_at = time.perf_counter()

    def send(pair: tuple[int, dict[str, Any]]) -> dict[str, Any]:
        index, item = pair
        wait = started_at + index * interval - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        body = str(item["body"]).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": _sign(body, timestamp, secret)}
        if item["retry"]:
            headers |= {"X-Slack-Retry-Num": str(item["retry"]), "X-Slack-Retry-Reason": "http_timeout"}
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        return {"status": status, "ms": (time.perf_counter() - began) * 1000}

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(send, enumerate(items)))


def fire_in_child(url: str, events: list[Event], rate: float, concurrency: int) -> list[dict[str, Any]]:
    """Run `fire` in a fresh interpreter (this script with --fire) and read its results."""
    payload = {"url": url, "secret": EMULATOR_SIGNING_SECRET, "rate": rate, "concurrency": concurrency,
               "items": [{"body": e.body, "retry": e.retry} for e in events]}
    child = subprocess.run([sys.executable, __file__, "--fire"], input=json.dumps(payload), capture_output=True,
                           text=True, check=True, timeout=max(600, 4 * len(events) / max(rate, 1)))
    return json.loads(child.stdout.strip().splitlines()[-1])


# ---- checking ---------------------------------------------------------------------------------------------------
def statuses(stack: LocalStack) -> tuple[list[str], list[str]]:
    """thread_ts of every "is thinking…" status set, and of every status cleared."""
    calls = stack.emulator.calls_to("assistant.threads.setStatus")
    return ([str(c.params.get("thread_ts")) for c in calls if c.params.get("status")],
            [str(c.params.get("thread_ts")) for c in calls if c.params.get("status") == ""])


def wait_drained(stack: LocalStack, turns: int, timeout: float) -> bool:
    """True once `turns` turns have cleared their status (every turn clears it once, whatever happened)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(statuses(stack)[1]) >= turns:
            return True
        time.sleep(0.5)
    return False


def check(stack: LocalStack, plan: Plan, turns_before: int) -> tuple[int, int]:
    """(lost, duplicates) for the main phase."""
    with stack.runtime.context.store.session() as session:
        keys = set(session.scalars(select(EventLog.event_id)))
    missing = [e for e in plan.distinct if f"event:{e.event_id}" not in keys]
    missing_turns = [e for e in plan.turn_events if f"msg:{DRAMA_CHANNEL_ID}:{e.turn_ts}" not in keys]
    thinking, cleared = statuses(stack)
    started = len(thinking) - turns_before
    finished = len(cleared) - turns_before
    expected = len(plan.turn_events)
    lost = len(missing) + len(missing_turns) + max(0, expected - finished)
    return lost, max(0, started - expected)


@contextmanager
def database(kind: str, home: Path, dsn: str) -> Iterator[str | None]:
    """None (SQLite under the data dir) or a fresh PostgreSQL schema's URL, dropped afterwards."""
    if kind == "sqlite":
        yield None
        return
    import psycopg

    schema = f"soak_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield "postgresql+psycopg://" + dsn.split("://", 1)[1] + f"?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def run(events: int, db: str, rate: float, concurrency: int, dsn: str, seed: int = 7) -> dict[str, Any]:
    """Warm up with WARMUP_MENTIONS season threads, send the rest, drain, measure."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, database(db, Path(tmp), dsn) as url:
        settings = Settings(CLIFFHANGER_HOME=Path(tmp) / "home", DATABASE_URL=url, GOOGLE_API_KEY=None,
                            REDIS_URL=None, SLACK_BOT_TOKEN=None)
        with LocalStack(settings, immediate_queue=True) as stack:
            # warm-up: the season threads, then the first tenth of the mix (every code path loaded once)
            openers = [mention(stack, n) for n in range(min(WARMUP_MENTIONS, max(1, events // 10)))]
            results = fire_in_child(stack.server.url, openers, rate, concurrency)
            if not wait_drained(stack, len(openers), timeout=600):
                raise RuntimeError("the season threads' first turns did not finish")
            turns_before = len(statuses(stack)[0])
            threads = [str(e.turn_ts) for e in openers]
            plan = plan_main(stack, events - len(openers), threads, rng, start=len(openers))
            split = len(plan.events) // 10
            warm_turns = sum(1 for e in plan.events[:split] if e.turn_ts and not e.retry)
            started = time.perf_counter()
            results += fire_in_child(stack.server.url, plan.events[:split], rate, concurrency)
            wait_drained(stack, turns_before + warm_turns, timeout=600)
            gc.collect()
            rss_warm = rss_mb()
            results += fire_in_child(stack.server.url, plan.events[split:], rate, concurrency)
            sending_s = time.perf_counter() - started
            wait_drained(stack, turns_before + len(plan.turn_events), timeout=1800)
            lost, duplicates = check(stack, plan, turns_before)
            drained_s = time.perf_counter() - started
            gc.collect()
            rss_end = rss_mb()
    latencies = [r["ms"] for r in results]
    acked = sum(1 for r in results if 200 <= r["status"] < 300 and r["ms"] < 3000)
    kinds = {k: sum(1 for e in plan.events if (e.kind if not e.retry else "retry") == k) for k in MIX}
    kinds = {"opening mention": len(openers), **kinds}
    return {"events": len(results), "acked": acked, "p99_ack_ms": round(percentile(latencies, 99), 1),
            "lost": lost, "duplicates": duplicates, "rss_growth": round(rss_end / rss_warm, 3),
            "p50_ack_ms": round(percentile(latencies, 50), 1), "max_ack_ms": round(max(latencies), 1),
            "rss_warm_mb": round(rss_warm, 1), "rss_end_mb": round(rss_end, 1), "mix": kinds,
            "sending_s": round(sending_s, 1), "drained_s": round(drained_s, 1), "database": db}


def main() -> None:
    """Parse arguments, run, print the figures (and the JSON line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="deliveries in all (warm-up included)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rate", type=float, default=25.0, help="events sent per second")
    parser.add_argument("--concurrency", type=int, default=16, help="sender connections")
    parser.add_argument("--pg-dsn", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--fire", action="store_true", help=argparse.SUPPRESS)  # the child: plan on stdin
    args = parser.parse_args()
    if args.fire:
        job = json.loads(sys.stdin.read())
        print(json.dumps(fire(job["url"], job["secret"], job["items"], job["rate"], job["concurrency"])))
        return
    logging.basicConfig(level=logging.ERROR)
    result = run(args.events, args.database, args.rate, args.concurrency, args.pg_dsn)
    mix = ", ".join(f"{kind} {count}" for kind, count in result["mix"].items())
    print(f"{result['database']}: {result['events']} events ({mix}); warm-up = the opening mentions + the "
          "first tenth of the rest")
    print(f"acked in time {result['acked']}/{result['events']}; ack p50 {result['p50_ack_ms']} ms, "
          f"p99 {result['p99_ack_ms']} ms, max {result['max_ack_ms']} ms")
    print(f"lost {result['lost']}, duplicates {result['duplicates']}; sent in {result['sending_s']} s, "
          f"drained in {result['drained_s']} s")
    print(f"RSS {result['rss_warm_mb']} MB after warm-up → {result['rss_end_mb']} MB at the end "
          f"(× {result['rss_growth']})")
    if args.json:
        keys = ("events", "acked", "p99_ack_ms", "lost", "duplicates", "rss_growth")
        print(json.dumps({key: result[key] for key in keys}))


if __name__ == "__main__":
    main()
