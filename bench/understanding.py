"""Eval of the offline understander (issue 12): action accuracy, brief-field accuracy, turn latency.

- Actions: the labelled utterances (agent/understanding/data/utterances.tsv) in a stratified k-fold split; each
  utterance is predicted by a classifier trained without it, so every figure is on held-out text.
- Brief fields: natural briefs with their expected fields. bench/data/briefs_heldout.jsonl was written after the
  entity rules and never tuned against (the held-out figure); bench/data/briefs.jsonl is the development set.
- Latency: real offline turns through the Conversation (graph, store, brain) on a scratch home: a prose brief that
  goes to an arc, revisions, several requests at once, status, help, unclear text; p95 of those turns, and one
  100 KB message.

    python bench/understanding.py [--json] [--folds 5]

With --json the last line is {"action_accuracy", "brief_field_accuracy", "p95_turn_ms", …}.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
FIELDS = ("brand", "product", "audience", "episode_count", "episode_length_s", "cadence_kind")
TURNS = [
    ("We'd love a season for Juniper & Sage, our lavender sleep tea, aimed at new parents. Cosy romance, 8 episodes "
    "of 45 seconds, posting Tue/Fri at 7pm London."),
    "make episode 3 darker and cut the product from episode 7",
    "swap the rival",
    "what changed",
    "never use the words diet or skinny anywhere",
    "episodes 2-4 need more humour",
    "undo",
    "status?",
    "help",
    "write me a poem about cats",
    "ok then 10 episodes of 30 seconds",
    "continuity",
    "looks good",
    "you pick",
]


def action_accuracy(folds: int) -> tuple[float, dict[str, float], int]:
    """Stratified k-fold accuracy of the clause classifier, and per-label recall."""
    from sklearn.model_selection import StratifiedKFold

    from agent.understanding.classifier import IntentClassifier, load_examples

    examples = load_examples()
    labels = [label for label, _text in examples]
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    for train, test in splitter.split([t for _l, t in examples], labels):
        model = IntentClassifier([examples[i] for i in train])
        for i in test:
            label, text = examples[i]
            if model.predict(text).label == label:
                hits[label] += 1
    accuracy = sum(hits.values()) / len(examples)
    return accuracy, {label: hits[label] / totals[label] for label in sorted(totals)}, len(examples)


def _norm(value: Any) -> str:
    text = str(value).lower().strip()
    text = re.sub(r"^(?:the|our|a|an)\s+", "", text)
    return re.sub(r"[^\w&\s-]", "", text).strip()


def brief_accuracy(path: Path) -> tuple[float, int, list[str]]:
    """Share of expected brief fields read exactly (text fields compared without articles/punctuation)."""
    from agent.understanding.brief import read_brief

    right = total = 0
    misses = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        got = read_brief(case["text"], {})
        got["cadence_kind"] = (got.get("cadence") or {}).get("kind")
        for field, want in case["expect"].items():
            total += 1
            if _norm(got.get(field)) == _norm(want):
                right += 1
            else:
                misses.append(f"{field}: want {want!r}, got {got.get(field)!r}")
    return right / max(total, 1), total, misses


class _Channel:
    """A channel that only counts what the agent posts (the bench measures the agent, not Slack)."""

    def __init__(self) -> None:
        self.posts = 0

    def __getattr__(self, name: str):
        from agent.ports import PostedMessage

        def record(*_args: Any, **_kwargs: Any) -> PostedMessage:
            self.posts += 1
            return PostedMessage(channel_id="C1", ts=f"{time.time():.6f}")

        return record


def turn_latency() -> tuple[list[float], float, int]:
    """Milliseconds per offline turn over TURNS, then one 100 KB message (its ms and how many posts it caused)."""
    from agent.bootstrap import build_runtime
    from agent.conversation import Conversation
    from agent.settings import Settings
    from agent.understanding.classifier import classifier

    classifier()  # trained once per process, at start-up in the app too
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(CLIFFHANGER_HOME=Path(home), DATABASE_URL=None, GOOGLE_API_KEY=None,
                            SLACK_BOT_TOKEN=None, REDIS_URL=None)
        channel = _Channel()
        runtime = build_runtime(settings, channel, immediate_queue=True)
        runtime.context.enqueue_render = lambda _render_id: None
        times = []
        with Conversation(runtime.context) as conversation:
            for text in TURNS:
                started = time.perf_counter()
                conversation.handle(team_id="T1", channel_id="C1", thread_ts="1.0", user_id="U1", text=text)
                times.append((time.perf_counter() - started) * 1000)
            big = "We're Aster and we make oat bars for climbers. " + ("lorem ipsum dolor sit amet " * 3800)
            before = channel.posts
            started = time.perf_counter()
            conversation.handle(team_id="T1", channel_id="C1", thread_ts="2.0", user_id="U1", text=big[:102_400])
            big_ms = (time.perf_counter() - started) * 1000
            big_posts = channel.posts - before
        runtime.context.store.engine.dispose()
    return times, big_ms, big_posts


def main() -> None:
    """Run the eval; print a readable report (and a JSON last line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    accuracy, per_label, n_utterances = action_accuracy(args.folds)
    held, held_n, held_misses = brief_accuracy(ROOT / "data" / "briefs_heldout.jsonl")
    dev, dev_n, _dev_misses = brief_accuracy(ROOT / "data" / "briefs.jsonl")
    times, big_ms, big_posts = turn_latency()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) >= 2 else times[0]
    slowest = sorted(zip(times, TURNS, strict=True), reverse=True)[:2]
    print(f"actions: {accuracy:.1%} of {n_utterances} labelled utterances ({args.folds}-fold, held-out)")
    print("  weakest labels: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(per_label.items(),
                                                                              key=lambda kv: kv[1])[:5]))
    print(f"brief fields: {held:.1%} of {held_n} on held-out briefs; {dev:.1%} of {dev_n} on the development set")
    for miss in held_misses:
        print(f"  miss: {miss}")
    print(f"offline turns: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {max(times):.0f} ms "
          f"over {len(times)} turns (target p95 ≤ 1000 ms)")
    print("  slowest: " + "; ".join(f"{ms:.0f} ms “{text[:40]}”" for ms, text in slowest)
          + " (\"looks good\" at the arc offers the cast: three portraits drawn by tools/portrait.py)")
    print(f"100 KB message: {big_ms:.0f} ms, {big_posts} post(s) (target ≤ 3000 ms, never one post per chunk)")
    if args.json:
        print(json.dumps({"action_accuracy": round(accuracy, 4), "brief_field_accuracy": round(held, 4),
                          "p95_turn_ms": round(p95, 1), "brief_field_accuracy_dev": round(dev, 4),
                          "message_100kb_ms": round(big_ms, 1), "message_100kb_posts": big_posts,
                          "utterances": n_utterances, "briefs": held_n}))


if __name__ == "__main__":
    main()
