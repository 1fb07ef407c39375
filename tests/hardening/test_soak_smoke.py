"""bench/soak.py keeps working: a tiny run (30 events) ends with its JSON line, nothing lost, nothing doubled.
The figures against the targets come from the full 2,000-event run, which is a benchmark, not a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("e2e")


def test_soak_smoke() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--events", "30", "--rate", "30",
                             "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {"events", "acked", "p99_ack_ms", "lost", "duplicates", "rss_growth"}
    assert figures["events"] == 30 and figures["lost"] == 0 and figures["duplicates"] == 0
    assert figures["acked"] > 0 and figures["rss_growth"] > 0
