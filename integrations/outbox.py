"""The outbox publisher: a folder per episode that a person, a Minis mini-app pipeline or TikTok's Media Asset
Management can pick up (DESIGN §4: there is no public Drama Center API, so this is a first-class target).

Folders appear whole or not at all (written in a temp dir, then renamed), and a second publish with the same
idempotency key returns the first result without rewriting anything.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.ports import PublishPackage, PublishResult

METADATA = "metadata.json"
MANIFEST = "manifest.json"


def write_json_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write JSON atomically (temp file + replace) so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json_file(path: Path) -> dict[str, Any] | None:
    """A JSON file's content, or None when absent or unreadable (a half-written file never exists, see above)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class OutboxPublisher:
    """Writes `season-{id}/ep{NN}/` with video.mp4, cover.png, caption.txt, hashtags.txt, metadata.json."""

    name = "outbox"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def episode_dir(self, package: PublishPackage) -> Path:
        """Where one episode's package lives."""
        return self.root / f"season-{package.season_id}" / f"ep{package.episode_number:02d}"

    def _result(self, folder: Path) -> PublishResult:
        """The result for a written folder (same for the first publish and every repeat)."""
        return PublishResult(external_id=f"{folder.parent.name}/{folder.name}", location=str(folder.resolve()))

    def publish(self, package: PublishPackage) -> PublishResult:
        """Write the episode folder once; a repeat with the same key is a no-op returning the same result.

        A folder holding a *different* key (the slot was re-created after a crash) is replaced, because the newest
        approved package is the one the ledger will point at.
        """
        folder = self.episode_dir(package)
        existing = read_json_file(folder / METADATA)
        if existing is not None and existing.get("idempotency_key") == package.idempotency_key:
            return self._result(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.tmp"
        staging.mkdir()
        try:
            self._fill(staging, package)
            self._swap_in(staging, folder, package.idempotency_key)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._rebuild_manifest(folder.parent, package)
        return self._result(folder)

    def _fill(self, staging: Path, package: PublishPackage) -> None:
        """Copy media and write the text files into the staging dir."""
        shutil.copyfile(package.video_path, staging / "video.mp4")
        if package.cover_path is not None and Path(package.cover_path).exists():
            shutil.copyfile(package.cover_path, staging / "cover.png")
        (staging / "caption.txt").write_text(package.caption + "\n", encoding="utf-8")
        (staging / "hashtags.txt").write_text(" ".join(package.hashtags) + "\n", encoding="utf-8")
        write_json_atomic(staging / METADATA, {
            "season_id": package.season_id, "season_title": package.season_title,
            "episode_number": package.episode_number, "episode_title": package.episode_title,
            "unlock": package.unlock, "destination": package.destination, "publish_at": package.publish_at,
            "approvals": package.approvals, "idempotency_key": package.idempotency_key,
            "files": sorted(p.name for p in staging.iterdir()) + [METADATA],
        })

    def _swap_in(self, staging: Path, folder: Path, key: str) -> None:
        """Rename the finished staging dir into place; if a concurrent writer won with our key, keep theirs."""
        try:
            os.rename(staging, folder)
            return
        except OSError:
            current = read_json_file(folder / METADATA)
            if current is not None and current.get("idempotency_key") == key:
                return
        retired = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.old"
        os.rename(folder, retired)
        os.rename(staging, folder)
        shutil.rmtree(retired, ignore_errors=True)

    @contextmanager
    def _locked(self, season_dir: Path) -> Iterator[None]:
        """Serialise manifest rebuilds across threads and processes (two episodes may publish at once)."""
        with open(season_dir / ".manifest.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _rebuild_manifest(self, season_dir: Path, package: PublishPackage) -> None:
        """Derive manifest.json from the episode folders, so it can never disagree with them."""
        with self._locked(season_dir):
            episodes = []
            for meta_path in sorted(season_dir.glob(f"ep*/{METADATA}")):
                meta = read_json_file(meta_path)
                if meta is None:
                    continue
                episodes.append({
                    "episode_number": meta.get("episode_number"), "title": meta.get("episode_title"),
                    "folder": meta_path.parent.name, "unlock": meta.get("unlock"),
                    "destination": meta.get("destination"), "publish_at": meta.get("publish_at"),
                    "idempotency_key": meta.get("idempotency_key"),
                })
            episodes.sort(key=lambda e: e.get("episode_number") or 0)
            write_json_atomic(season_dir / MANIFEST, {
                "season_id": package.season_id, "season_title": package.season_title,
                "episode_order": [e["episode_number"] for e in episodes],
                "unlock_plan": {str(e["episode_number"]): e["unlock"] for e in episodes},
                "episodes": episodes,
            })


def from_settings(*, outbox_dir: Path | str | None = None, cliffhanger_home: Path | str | None = None,
                  **_: Any) -> OutboxPublisher:
    """Registry factory: the outbox under CLIFFHANGER_OUTBOX, or <home>/outbox."""
    if outbox_dir is not None:
        return OutboxPublisher(Path(outbox_dir))
    return OutboxPublisher(Path(cliffhanger_home or ".cliffhanger") / "outbox")
