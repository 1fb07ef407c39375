"""Eval of the offline understander (issue 12): action accuracy, brief-field accuracy, turn latency.

- Actions: the labelled utterances (agent/understanding/data/utterances.tsv) in a stratified k-fold split; each
  utterance is predicted by a classifier trained without it. Also bench/data/utterances_heldout.tsv: utterances
  written separately, in other words, and never trained on (the classifier is trained on the whole training file).
  --compare also measures TF-IDF alone and sentence embeddings alone, with per-label recall.
- Brief fields: natural briefs with their expected fields. bench/data/briefs_heldout.jsonl was written after the
  entity rules and never tuned against (the held-out figure); bench/data/briefs.jsonl is the development set.
- Latency: the embedding model's load time and per-clause cost; real offline turns through the Conversation (graph,
  store, brain) on a scratch home: a prose brief that goes to an arc, revisions, several requests at once, status,
  help, unclear text; p95 of those turns, and one 100 KB message.

    python bench/understanding.py [--json] [--folds 5] [--compare]

With --json the last line is {"action_accuracy", "brief_field_accuracy", "p95_turn_ms"} (action_accuracy is the
k-fold figure); the line before it holds the rest (held-out action accuracy, comparison, costs).
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
HELDOUT = ROOT / "data" / "utterances_heldout.tsv"
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


def _cached_embed(texts: list[str]):
    """The shipped model's embed, memoised over the labelled texts (the k folds re-use each vector); None if absent."""
    from agent.understanding.classifier import MAX_CHARS, default_embed

    embed = default_embed()
    if embed is None:
        return None
    keys = list(dict.fromkeys(text[:MAX_CHARS] for text in texts))
    memo = dict(zip(keys, embed(keys), strict=True))

    def cached(batch: list[str]):
        import numpy as np

        missing = [text for text in batch if text not in memo]
        if missing:
            memo.update(zip(missing, embed(missing), strict=True))
        return np.stack([memo[text] for text in batch])

    return cached


def action_accuracy(folds: int, embed: Any, use_tfidf: bool = True) -> tuple[float, dict[str, float], int]:
    """Stratified k-fold accuracy of the clause classifier, and per-label recall."""
    from sklearn.model_selection import StratifiedKFold

    from agent.understanding.classifier import IntentClassifier, load_examples

    examples = load_examples()
    labels = [label for label, _text in examples]
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    for train, test in splitter.split([t for _l, t in examples], labels):
        model = IntentClassifier([examples[i] for i in train], embed=embed, use_tfidf=use_tfidf)
        best = model.probabilities([examples[i][1] for i in test]).argmax(axis=1)
        for i, column in zip(test, best, strict=True):
            if model.labels[column] == examples[i][0]:
                hits[examples[i][0]] += 1
    accuracy = sum(hits.values()) / len(examples)
    return accuracy, {label: hits[label] / totals[label] for label in sorted(totals)}, len(examples)


def heldout_accuracy(embed: Any, use_tfidf: bool = True) -> tuple[float, dict[str, float], int, list[str]]:
    """Accuracy on bench/data/utterances_heldout.tsv (written separately, never trained on), trained on all data."""
    from agent.understanding.classifier import IntentClassifier, load_examples

    held = load_examples(HELDOUT)
    model = IntentClassifier(load_examples(), embed=embed, use_tfidf=use_tfidf)
    best = model.probabilities([text for _label, text in held]).argmax(axis=1)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(label for label, _text in held)
    misses = []
    for (label, text), column in zip(held, best, strict=True):
        if model.labels[column] == label:
            hits[label] += 1
        else:
            misses.append(f"{text!r}: want {label}, got {model.labels[column]}")
    return (sum(hits.values()) / len(held), {label: hits[label] / totals[label] for label in sorted(totals)},
            len(held), misses)


def embedding_costs() -> dict[str, float]:
    """Model load (ms, in a fresh process: imports, sha256 check, session) and one clause's embedding (p50/p95 ms)."""
    import subprocess
    import sys

    code = ("import time; t = time.perf_counter(); from agent.understanding.embeddings import embedder; "
            "assert embedder() is not None; print((time.perf_counter() - t) * 1000)")
    load = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT.parent, check=False)
    from agent.understanding.embeddings import embedder

    model = embedder()
    if model is None:
        return {}
    times = []
    for _label, text in load_examples_heldout():
        started = time.perf_counter()
        model.embed([text])
        times.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(times, n=20, method="inclusive")
    return {"model_load_ms": float(load.stdout.strip() or "nan"), "clause_embed_p50_ms": statistics.median(times),
            "clause_embed_p95_ms": quantiles[-1]}


def load_examples_heldout() -> list[tuple[str, str]]:
    """The held-out utterances."""
    from agent.understanding.classifier import load_examples

    return load_examples(HELDOUT)


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


def _count_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _weakest(per_label: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.0%}" for k, v in sorted(per_label.items(), key=lambda kv: kv[1])[:5])


def main() -> None:
    """Run the eval; print a readable report (and a JSON last line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--compare", action="store_true",
                        help="also measure TF-IDF alone and embeddings alone (slower), with per-label recall")
    args = parser.parse_args()

    from agent.understanding.classifier import load_examples

    embed = _cached_embed([t for _l, t in load_examples() + load_examples_heldout()])
    mode = "TF-IDF + sentence embeddings" if embed is not None else "TF-IDF only (embedding model unavailable)"
    accuracy, per_label, n_utterances = action_accuracy(args.folds, embed)
    held_acc, held_per_label, held_n_utts, held_utt_misses = heldout_accuracy(embed)
    extra: dict[str, Any] = {"classifier": mode, "action_accuracy_heldout": round(held_acc, 4),
                             "utterances": n_utterances, "utterances_heldout": held_n_utts}
    print(f"actions ({mode}): {accuracy:.1%} of {n_utterances} labelled utterances ({args.folds}-fold CV); "
          f"{held_acc:.1%} of {held_n_utts} held-out utterances written separately")
    print(f"  weakest labels (CV): {_weakest(per_label)}")
    print(f"  weakest labels (held-out): {_weakest(held_per_label)}")
    for miss in held_utt_misses[:12]:
        print(f"  held-out miss: {miss}")
    if args.compare:
        variants = {"tfidf": (None, True), "embeddings": (embed, False), "both": (embed, True)}
        table: dict[str, dict[str, float]] = {}
        for name, (variant_embed, use_tfidf) in variants.items():
            if name != "tfidf" and embed is None:
                continue
            cv, cv_labels, _n = ((accuracy, per_label, n_utterances) if name == "both"
                                 else action_accuracy(args.folds, variant_embed, use_tfidf))
            held_variant = held_acc if name == "both" else heldout_accuracy(variant_embed, use_tfidf)[0]
            table[name] = cv_labels
            extra[f"compare_{name}"] = {"cv": round(cv, 4), "heldout": round(held_variant, 4)}
            print(f"  compare {name:>10}: CV {cv:.1%}, held-out {held_variant:.1%}")
        print("  per-label CV recall: " + "; ".join(
            f"{label} " + "/".join(f"{table[name][label]:.0%}" for name in table) for label in sorted(per_label))
            + f" ({'/'.join(table)})")
    held, held_n, held_misses = brief_accuracy(ROOT / "data" / "briefs_heldout.jsonl")
    dev, dev_n, _dev_misses = brief_accuracy(ROOT / "data" / "briefs.jsonl")
    costs = embedding_costs() if embed is not None else {}
    times, big_ms, big_posts = turn_latency()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) >= 2 else times[0]
    slowest = sorted(zip(times, TURNS, strict=True), reverse=True)[:2]
    print(f"brief fields: {held:.1%} of {held_n} fields in {_count_lines(ROOT / 'data' / 'briefs_heldout.jsonl')} "
          f"held-out briefs; {dev:.1%} of {dev_n} on the development set")
    for miss in held_misses:
        print(f"  miss: {miss}")
    if costs:
        print(f"embedding model: loads in {costs['model_load_ms']:.0f} ms (fresh process); one clause "
              f"p50 {costs['clause_embed_p50_ms']:.1f} ms, p95 {costs['clause_embed_p95_ms']:.1f} ms")
    print(f"offline turns: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {max(times):.0f} ms "
          f"over {len(times)} turns (target p95 ≤ 1000 ms)")
    print("  slowest: " + "; ".join(f"{ms:.0f} ms “{text[:40]}”" for ms, text in slowest)
          + " (\"looks good\" at the arc offers the cast: three portraits drawn by tools/portrait.py)")
    print(f"100 KB message: {big_ms:.0f} ms, {big_posts} post(s) (target ≤ 3000 ms, never one post per chunk)")
    if args.json:
        extra.update({"brief_field_accuracy_dev": round(dev, 4), "brief_fields_heldout": held_n,
                      "briefs_heldout": _count_lines(ROOT / "data" / "briefs_heldout.jsonl"),
                      "briefs_dev": _count_lines(ROOT / "data" / "briefs.jsonl"),
                      "message_100kb_ms": round(big_ms, 1), "message_100kb_posts": big_posts,
                      **{key: round(value, 1) for key, value in costs.items()}})
        print(json.dumps(extra))
        print(json.dumps({"action_accuracy": round(accuracy, 4), "brief_field_accuracy": round(held, 4),
                          "p95_turn_ms": round(p95, 1)}))


if __name__ == "__main__":
    main()
