"""Importing a module starts or connects nothing: no thread, no file, no socket — only the composition root,
when called, builds a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import importlib, json, pkgutil, socket, sys, threading
opened = []
real_connect = socket.socket.connect
def spy(self, address):  # any connection attempt at import time is a side effect
    opened.append(repr(address))
    return real_connect(self, address)
socket.socket.connect = spy
failed = {}
count = 0
for package in ("agent", "tools", "integrations"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if ".emulator" in info.name or info.name.endswith("__main__"):
            continue  # the Slack emulator is a test stand-in, started explicitly
        try:
            importlib.import_module(info.name)
            count += 1
        except Exception as exc:  # another helper's half-finished module: reported, not ours to judge
            failed[info.name] = f"{type(exc).__name__}: {exc}"[:200]
threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
print(json.dumps({"count": count, "threads": threads, "connections": opened, "failed": failed}))
"""


def test_importing_every_module_starts_and_connects_nothing(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=False, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["count"] > 100  # it really imported the code base
    assert report["threads"] == [], report["threads"]
    assert report["connections"] == [], report["connections"]
    caches = {".cache", ".config", "__pycache__"}  # library caches under HOME are not ours (a .cliffhanger would be)
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")
                     if not caches.intersection(p.relative_to(tmp_path).parts))
    assert created == [], f"importing created files: {created}"
