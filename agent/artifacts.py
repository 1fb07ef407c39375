"""The artifact store behind the `ArtifactStore` port: a local folder by default, an S3 bucket when configured.

Render rows keep *references*, not paths, so a worker on one machine and the Slack poster or a publisher on another
can both reach a file. The local store's references are plain absolute paths: an install without
ARTIFACT_STORE_URL keeps the files (and the database values) it always had. The S3 store is an adapter
(integrations/s3.py) chosen by the composition root (agent/bootstrap.make_artifact_store); this module never
imports it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from agent.ports import ArtifactStore

S3_SCHEME = "s3://"


def is_remote(ref: str) -> bool:
    """True for a reference only an S3 store can open (everything else is a local path)."""
    return ref.startswith(S3_SCHEME)


def copy_atomically(source: Path, target: Path) -> None:
    """Copy through a temp file in the target folder and rename, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    try:
        shutil.copyfile(source, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class LocalArtifactStore:
    """Files in one folder on this machine; a reference is the file's absolute path.

    A file already at its key's place (the renderer writes straight into the artifacts folder) is not copied, so the
    default install does no extra I/O.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def put(self, local_path: Path, key: str) -> str:
        """Place the file at <root>/<key> (no copy when it is already there); return its absolute path."""
        source = Path(local_path).resolve()
        target = (self.root / key).resolve()
        if not target.is_relative_to(self.root):
            raise ValueError(f"artifact key {key!r} escapes the store root")
        if source != target:
            copy_atomically(source, target)
        return str(target)

    def open_local(self, ref: str) -> Path:
        """The path itself (a missing file stays the caller's concern, as it was before the store existed)."""
        if is_remote(ref):
            raise ValueError(f"{ref} lives in an S3 bucket; set ARTIFACT_STORE_URL on this machine to read it")
        return Path(ref)

    def exists(self, ref: str) -> bool:
        """True when the file is on disk (an S3 reference is never here)."""
        return not is_remote(ref) and Path(ref).is_file()


def resolve_ref(artifacts: ArtifactStore | None, ref: str | None) -> Path | None:
    """A local file for a stored reference; without a store the reference is taken as the local path it used to be.

    Call sites that run both with and without a configured store (tests, one-off tools) go through here so the
    local default needs no wiring.
    """
    if not ref:
        return None
    if artifacts is None:
        if is_remote(ref):
            raise ValueError(f"{ref} lives in an S3 bucket, but no artifact store was passed to read it")
        return Path(ref)
    return artifacts.open_local(ref)


def artifact_key(path: Path, root: Path) -> str:
    """The store key of a file written under the local artifacts folder ("season-1/render-ab12/ep01.mp4")."""
    path, root = Path(path).resolve(), Path(root).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
