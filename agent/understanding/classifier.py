"""The offline understander's classifier: what a marketer asks for in one clause, learnt from labelled examples.

Approach (issue 12, option b): TF-IDF over word 1–2-grams and character 2–5-grams (so typos, "ep3" and "eps" still
share features), fed to a multinomial logistic regression. It is trained at first use from the labelled file that
ships in the repo (data/utterances.tsv, ~510 lines, well under a second on one core) and kept in memory; no binary
artefact is committed and nothing is downloaded. Why not a sentence-embedding model: no PyPI package we could vet
ships suitable weights inside the wheel, and the actions here are domain labels that need a trained head anyway;
the TF-IDF model is small, deterministic and retrained by editing a text file.

The predicted label comes with a probability; below `THRESHOLD` the clause is "unclear" and the agent asks, with an
example, rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "utterances.tsv"
THRESHOLD = 0.22


@dataclass(frozen=True)
class Prediction:
    """A label and how sure the model is (0–1)."""

    label: str
    confidence: float


def normalise(text: str) -> str:
    """Lower case, user mentions and hex colours folded into placeholders, numbers kept as a shape token."""
    text = text.lower()
    text = re.sub(r"<@[a-z0-9_]+(?:\|[^>]*)?>|@\w+", " usermention ", text)
    text = re.sub(r"#[0-9a-f]{3,6}\b", " hexcolour ", text)
    text = re.sub(r"\b\d+\b", lambda m: f" {m.group(0)} num ", text)
    return re.sub(r"\s+", " ", text).strip()


def load_examples(path: Path = DATA) -> list[tuple[str, str]]:
    """(label, utterance) pairs from a TSV file; comment and blank lines skipped."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        label, text = line.split("\t", 1)
        pairs.append((label.strip(), text.strip()))
    return pairs


class IntentClassifier:
    """TF-IDF (words + characters) → logistic regression."""

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        """Fit on the examples (labels, texts)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b|[?!👍]")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ])
        self.model = Pipeline([("features", features),
                               ("clf", LogisticRegression(C=50.0, max_iter=3000, class_weight="balanced"))])
        labels = [label for label, _text in examples]
        self.model.fit([normalise(text) for _label, text in examples], labels)

    def predict(self, text: str) -> Prediction:
        """The most likely label for one clause."""
        probabilities = self.model.predict_proba([normalise(text[:2000])])[0]
        best = int(probabilities.argmax())
        return Prediction(str(self.model.classes_[best]), float(probabilities[best]))

    def ranked(self, text: str, n: int = 3) -> list[Prediction]:
        """The `n` most likely labels, best first."""
        probabilities = self.model.predict_proba([normalise(text[:2000])])[0]
        order = probabilities.argsort()[::-1][:n]
        return [Prediction(str(self.model.classes_[i]), float(probabilities[i])) for i in order]


@lru_cache(maxsize=1)
def classifier() -> IntentClassifier:
    """The shared classifier, trained once per process from the shipped examples."""
    return IntentClassifier(load_examples())
