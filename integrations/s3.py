"""The S3 artifact store: renders, covers and teasers in a bucket that every worker, poster and publisher can reach.

Works against AWS S3 and any S3-compatible server (MinIO, moto in server mode) through `endpoint_url`. Credentials
come from boto3's usual chain (AWS_* environment, config files, instance roles); this module never reads them.
Downloads land in a cache folder keyed by the reference *and* the object's ETag, so a re-uploaded object is fetched
again while an unchanged one is read from disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from agent.artifacts import S3_SCHEME, is_remote

_MISSING = {"404", "NoSuchKey", "NotFound"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """'s3://bucket/a/b' → ('bucket', 'a/b'); the prefix may be empty."""
    if not is_remote(url):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, key = url.removeprefix(S3_SCHEME).partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url!r}")
    return bucket, key.strip("/")


class S3ArtifactStore:
    """An `ArtifactStore` on an S3 bucket under a prefix; references are s3://bucket/prefix/key.

    A reference that is a plain path (a row written before the store moved to S3) still opens from local disk, so
    switching a single machine to a bucket does not orphan its old renders.
    """

    def __init__(self, url: str, cache_dir: Path, *, endpoint_url: str | None = None, region: str | None = None,
                 client: Any = None) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        self.cache_dir = Path(cache_dir)
        if client is None:  # a client does not connect until its first call
            config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
            client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, region_name=region,
                                                    config=config)
        self.client = client

    def _key(self, key: str) -> str:
        key = str(PurePosixPath(key.lstrip("/")))
        if key in ("", ".") or ".." in PurePosixPath(key).parts:
            raise ValueError(f"bad artifact key {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, local_path: Path, key: str) -> str:
        """Upload (multipart for big files) and return the object's s3:// reference."""
        full = self._key(key)
        self.client.upload_file(str(local_path), self.bucket, full)
        return f"{S3_SCHEME}{self.bucket}/{full}"

    def _head(self, ref: str) -> dict[str, Any] | None:
        bucket, key = parse_s3_url(ref)
        try:
            return dict(self.client.head_object(Bucket=bucket, Key=key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _MISSING:
                return None
            raise

    def exists(self, ref: str) -> bool:
        """True when the object is in the bucket (a plain path: when the file is on this disk)."""
        if not is_remote(ref):
            return Path(ref).is_file()
        return self._head(ref) is not None

    def open_local(self, ref: str) -> Path:
        """Download once into the cache (temp file + rename, so concurrent readers never see half a video)."""
        if not is_remote(ref):
            return Path(ref)
        head = self._head(ref)
        if head is None:
            raise FileNotFoundError(f"{ref} is not in the bucket")
        bucket, key = parse_s3_url(ref)
        digest = hashlib.sha256(f"{ref}\n{head.get('ETag', '')}".encode()).hexdigest()[:32]
        target = self.cache_dir / digest / PurePosixPath(key).name
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        try:
            self.client.download_file(bucket, key, temp)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target
