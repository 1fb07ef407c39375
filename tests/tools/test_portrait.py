"""Offline portraits are deterministic per (name, seed), distinct across seeds, and phash sees through encoding."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image

from tools.portrait import generate_portrait, hamming, image_hash, phash, render_portrait


def test_same_name_and_seed_give_the_same_file(tmp_path: Path) -> None:
    a = generate_portrait("Maya", 7, tmp_path / "a.png")
    b = generate_portrait("Maya", 7, tmp_path / "b.png")
    assert image_hash(a) == image_hash(b)
    with Image.open(a) as img:
        assert img.size == (1024, 1024)
        assert img.mode == "RGB"


def test_other_seed_or_name_gives_another_face(tmp_path: Path) -> None:
    base = phash(render_portrait("Maya", 7))
    for name, seed in [("Maya", 8), ("Leo", 7), ("Ava", 1)]:
        assert hamming(base, phash(render_portrait(name, seed))) >= 15, (name, seed)


def test_image_hash_is_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = generate_portrait("Leo", 1, tmp_path / "leo.png")
    assert image_hash(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not list(tmp_path.glob(".*.part"))


def test_phash_survives_resize_and_jpeg() -> None:
    img = render_portrait("Maya", 7)
    buf = io.BytesIO()
    img.resize((300, 300)).save(buf, format="JPEG", quality=60)
    degraded = Image.open(io.BytesIO(buf.getvalue()))
    assert hamming(phash(img), phash(degraded)) <= 6


def test_phash_accepts_arrays_and_paths(tmp_path: Path) -> None:
    import numpy as np

    img = render_portrait("Ava", 2, size=256)
    path = tmp_path / "ava.png"
    img.save(path)
    assert phash(img) == phash(np.asarray(img)) == phash(path)
    assert 0 <= phash(img) < 2 ** 64


def test_hamming_counts_bits() -> None:
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(5, 5) == 0
