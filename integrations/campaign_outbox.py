"""The outbox for campaign assets: `season-{id}/campaign/ep{NN}-{kind}/` beside the episode folders.

Kept apart from the episode outbox on purpose: OutboxPublisher names its folders by episode number only, so a
campaign package handed to it would replace the episode's own folder. Same guarantees as the episode outbox —
folders appear whole (staged, then renamed) and a repeat with the same idempotency key is a no-op — and a
campaign manifest per season lists what went out, derived from the folders so it cannot disagree with them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from agent.ports import PublishPackage, PublishResult
from integrations.outbox import read_json_file, write_json_atomic

METADATA = "metadata.json"


class CampaignOutboxPublisher:
    """Writes one folder per campaign asset: its files, caption.txt, hashtags.txt, metadata.json."""

    name = "outbox"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def asset_dir(self, package: PublishPackage) -> Path:
        """Where one asset's package lives."""
        return self.root / f"season-{package.season_id}" / "campaign" / f"ep{package.episode_number:02d}-{package.kind}"

    def publish(self, package: PublishPackage) -> PublishResult:
        """Write the folder once; a repeat with the same key returns the first result without rewriting."""
        if package.kind == "episode":
            raise ValueError("episodes go to the episode outbox (OutboxPublisher), not the campaign outbox")
        folder = self.asset_dir(package)
        existing = read_json_file(folder / METADATA)
        if existing is None or existing.get("idempotency_key") != package.idempotency_key:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.tmp"
            staging.mkdir()
            try:
                self._fill(staging, package)
                retired = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.old"
                if folder.exists():
                    os.rename(folder, retired)
                os.rename(staging, folder)
                shutil.rmtree(retired, ignore_errors=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self._manifest(folder.parent)
        return PublishResult(external_id=f"{folder.parent.parent.name}/campaign/{folder.name}",
                             location=str(folder.resolve()))

    def _fill(self, staging: Path, package: PublishPackage) -> None:
        files = [p for p in [package.video_path, *package.extra_files] if str(p) not in ("", ".")]
        for path in files:
            shutil.copyfile(path, staging / Path(path).name)
        (staging / "caption.txt").write_text(package.caption + "\n", encoding="utf-8")
        (staging / "hashtags.txt").write_text(" ".join(package.hashtags) + "\n", encoding="utf-8")
        write_json_atomic(staging / METADATA, {
            "season_id": package.season_id, "season_title": package.season_title, "kind": package.kind,
            "episode_number": package.episode_number, "episode_title": package.episode_title,
            "publish_at": package.publish_at, "approvals": package.approvals,
            "idempotency_key": package.idempotency_key,
            "files": sorted(p.name for p in staging.iterdir()) + [METADATA],
        })

    def _manifest(self, campaign_dir: Path) -> None:
        """campaign/manifest.json: every asset folder's kind, episode and time (rebuilt from the folders)."""
        assets = []
        for meta_path in sorted(campaign_dir.glob(f"ep*/{METADATA}")):
            meta = read_json_file(meta_path) or {}
            assets.append({k: meta.get(k) for k in ("episode_number", "kind", "publish_at", "idempotency_key")}
                          | {"folder": meta_path.parent.name})
        write_json_atomic(campaign_dir / "manifest.json", {"assets": assets})
