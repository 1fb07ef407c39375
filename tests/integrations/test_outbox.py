"""The outbox publisher: complete folders, an accurate manifest, and idempotency on the key."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from agent.ports import PublishPackage
from integrations.outbox import OutboxPublisher, from_settings


@pytest.fixture
def media(tmp_path: Path) -> tuple[Path, Path]:
    video = tmp_path / "render.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 100)
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x02" * 10)
    return video, cover


def package(media: tuple[Path, Path], number: int = 1, key: str = "slot1:outbox", unlock: str = "free") \
        -> PublishPackage:
    return PublishPackage(
        season_id=7, season_title="Midnight Latte", episode_number=number, episode_title=f"Ep {number}",
        video_path=media[0], cover_path=media[1], caption=f"Episode {number} — the cup is gone.",
        hashtags=["#BeanThere", "#minidrama"], unlock=unlock, destination="minis_center",
        publish_at="2026-12-01T23:00:00+00:00", approvals=[{"user": "U_ANNA", "at": "2026-11-30T10:00:00+00:00"}],
        idempotency_key=key)


def test_writes_a_complete_episode_folder(tmp_path: Path, media: tuple[Path, Path]) -> None:
    outbox = OutboxPublisher(tmp_path / "outbox")
    result = outbox.publish(package(media))
    folder = tmp_path / "outbox" / "season-7" / "ep01"
    assert result.location == str(folder.resolve()) and result.external_id == "season-7/ep01"
    assert sorted(p.name for p in folder.iterdir()) == \
        ["caption.txt", "cover.png", "hashtags.txt", "metadata.json", "video.mp4"]
    assert (folder / "video.mp4").read_bytes() == media[0].read_bytes()
    assert (folder / "hashtags.txt").read_text().split() == ["#BeanThere", "#minidrama"]
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["episode_number"] == 1 and meta["idempotency_key"] == "slot1:outbox"
    assert meta["destination"] == "minis_center" and meta["approvals"][0]["user"] == "U_ANNA"
    assert not [p for p in folder.parent.iterdir() if p.name.endswith((".tmp", ".old"))]


def test_same_key_is_a_no_op(tmp_path: Path, media: tuple[Path, Path]) -> None:
    outbox = OutboxPublisher(tmp_path / "outbox")
    first = outbox.publish(package(media))
    video = tmp_path / "outbox" / "season-7" / "ep01" / "video.mp4"
    before = video.stat()
    media[0].write_bytes(b"changed")  # a rewrite would copy this
    assert outbox.publish(package(media)) == first
    assert video.stat().st_ino == before.st_ino and video.read_bytes() != b"changed"


def test_new_key_replaces_the_folder(tmp_path: Path, media: tuple[Path, Path]) -> None:
    outbox = OutboxPublisher(tmp_path / "outbox")
    outbox.publish(package(media))
    outbox.publish(package(media, key="slot9:outbox"))
    meta = json.loads((tmp_path / "outbox" / "season-7" / "ep01" / "metadata.json").read_text())
    assert meta["idempotency_key"] == "slot9:outbox"
    assert sorted(p.name for p in (tmp_path / "outbox" / "season-7").iterdir() if not p.name.startswith(".")) == \
        ["ep01", "manifest.json"]


def test_manifest_lists_episodes_in_order_with_unlock_plan(tmp_path: Path, media: tuple[Path, Path]) -> None:
    outbox = from_settings(outbox_dir=tmp_path / "outbox", unrelated_setting="ignored")
    outbox.publish(package(media, number=2, key="slot2:outbox", unlock="paid"))
    outbox.publish(package(media, number=1, key="slot1:outbox"))
    manifest = json.loads((tmp_path / "outbox" / "season-7" / "manifest.json").read_text())
    assert manifest["episode_order"] == [1, 2]
    assert manifest["unlock_plan"] == {"1": "free", "2": "paid"}
    assert [e["folder"] for e in manifest["episodes"]] == ["ep01", "ep02"]


def test_concurrent_publishes_of_one_package_leave_one_folder(tmp_path: Path, media: tuple[Path, Path]) -> None:
    outbox = OutboxPublisher(tmp_path / "outbox")
    barrier = threading.Barrier(4)
    results = []

    def go() -> None:
        barrier.wait()
        results.append(outbox.publish(package(media)))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 4 and len({r.location for r in results}) == 1
    season = tmp_path / "outbox" / "season-7"
    assert sorted(p.name for p in season.iterdir() if not p.name.startswith(".")) == ["ep01", "manifest.json"]
    assert not [p for p in season.iterdir() if p.name.endswith((".tmp", ".old"))]


def test_registry_builds_builtins_by_name_and_refuses_unknown(tmp_path: Path) -> None:
    from integrations.publishers import UnknownPublisherError, make_publishers

    [outbox] = make_publishers(["outbox"], cliffhanger_home=tmp_path, tiktok_access_token=None)
    assert isinstance(outbox, OutboxPublisher) and outbox.root == tmp_path / "outbox"
    with pytest.raises(UnknownPublisherError, match="available: .*outbox"):
        make_publishers(["myspace"])
