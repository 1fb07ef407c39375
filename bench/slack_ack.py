"""Slack ack latency under a burst: N concurrent signed events against the real Bolt app (uvicorn, HTTP).

Why this number: Slack retries any event not answered 2xx within 3 s, and retries are what make bots answer twice.
The ack path is signature check → event tagged with its dedupe key → listener matched → 200 (the event_id insert
that dedupes happens right after the ack, see integrations/slack/listeners/middleware.py); the turn itself
runs afterwards in the listener pool, competing for the same CPU — as it would in production. So each burst is
real @mentions that start real conversations (offline brain, no renders), and the latency is measured the way
Slack sees it: from sending the request to reading the answer. The requests are fired from a separate process
(`--fire`), as Slack's are from another machine: a load generator sharing the server's interpreter would compete
for its GIL and measure itself.

    .venv/bin/python bench/slack_ack.py [--events 50] [--rounds 3] [--json]

With --json the last line is exactly one JSON object: {"p99_ms", "events", "acked"} (acked = 2xx within 3 s).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.settings import Settings
from integrations.demo.local_stack import LocalStack
from integrations.slack.emulator import (
    DRAMA_CHANNEL_ID,
    MARKETER_ID,
    payloads,
)

BRIEF = "Brand: Brand{n}. Product: Can{n}. Audience: night-shift nurses. 8 episodes, 30 seconds each."


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: the p99 of 150 samples is a real sample)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def prepare(stack: LocalStack, size: int, offset: int) -> list[dict[str, object]]:
    """`size` signed @mention deliveries, each a new message stored in the emulator first (as Slack would)."""
    ws = stack.emulator.workspace
    channel = ws.channels[DRAMA_CHANNEL_ID]
    requests = []
    for n in range(offset, offset + size):
        text = f"<@{ws.bot_user_id}> " + BRIEF.format(n=n)
        message = stack.emulator.post_as_user(MARKETER_ID, DRAMA_CHANNEL_ID, text)
        envelope = payloads.envelope(ws, payloads.message_event(message, channel, "app_mention"),
                                     stack.sender.verification_token)
        body = json.dumps(envelope)
        requests.append({"body": body, "headers": stack.sender.headers_for(body, "application/json"),
                         "ts": message["ts"]})
    return requests


def fire(url: str, requests: list[dict[str, object]]) -> list[dict[str, float]]:
    """Send every request at once (threads released together); status and milliseconds per request."""
    gate = threading.Barrier(len(requests))

    def send(item: dict[str, object]) -> dict[str, float]:
        request = urllib.request.Request(url, data=str(item["body"]).encode(), method="POST",
                                         headers=dict(item["headers"]))  # type: ignore[arg-type]
        gate.wait()
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
        return {"status": status, "ms": (time.perf_counter() - started) * 1000}

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def fire_in_child(url: str, requests: list[dict[str, object]]) -> list[dict[str, float]]:
    """Run `fire` in a fresh interpreter (this script with --fire) and read its results."""
    child = subprocess.run([sys.executable, __file__, "--fire", url], input=json.dumps(requests),
                           capture_output=True, text=True, check=True, timeout=120)
    return json.loads(child.stdout.strip().splitlines()[-1])


def run(events: int, rounds: int) -> dict[str, float | int]:
    """Start the local stack, warm it up with one event, then measure `rounds` bursts of `events`."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(CLIFFHANGER_HOME=Path(tmp) / "home", DATABASE_URL=None, GOOGLE_API_KEY=None,
                            REDIS_URL=None, SLACK_BOT_TOKEN=None)
        with LocalStack(settings, immediate_queue=True) as stack:
            warm = stack.sender.app_mention(MARKETER_ID, DRAMA_CHANNEL_ID, BRIEF.format(n="warm"))
            stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, warm.ts, warm.ts or "", timeout=30)
            results: list[dict[str, float]] = []
            sent: list[str] = []
            for index in range(rounds):
                batch = prepare(stack, events, index * events)
                results += fire_in_child(stack.server.url, batch)
                sent += [str(item["ts"]) for item in batch]
                time.sleep(0.5)  # let the listener pool drain a little, as between bursts in real traffic
            for ts in sent:  # every event was acted on (and nothing is left running at shutdown)
                stack.emulator.wait_for_bot_reply(DRAMA_CHANNEL_ID, ts, ts, timeout=120)
            latencies = [r["ms"] for r in results]
            acked = sum(1 for r in results if 200 <= r["status"] < 300 and r["ms"] < 3000)
            return {"p99_ms": round(percentile(latencies, 99), 1), "events": len(results), "acked": acked,
                    "p50_ms": round(statistics.median(latencies), 1), "max_ms": round(max(latencies), 1)}


def main() -> None:
    """Parse arguments, run, print a summary (and the JSON line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50, help="concurrent events per burst")
    parser.add_argument("--rounds", type=int, default=3, help="bursts to send")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--fire", metavar="URL", help=argparse.SUPPRESS)  # the child: requests on stdin
    args = parser.parse_args()
    if args.fire:
        print(json.dumps(fire(args.fire, json.loads(sys.stdin.read()))))
        return
    logging.basicConfig(level=logging.ERROR)
    result = run(args.events, args.rounds)
    print(f"{result['events']} events in {args.rounds} bursts of {args.events}: acked {result['acked']}, "
          f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms")
    if args.json:
        print(json.dumps({"p99_ms": result["p99_ms"], "events": result["events"], "acked": result["acked"]}))


if __name__ == "__main__":
    main()
