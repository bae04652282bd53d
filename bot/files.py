"""The file store: the photos and voice messages customers send, kept as files behind one small
interface, `FileStore.put(data) -> StoredFile` and `FileStore.get(key) -> bytes`.

A file is recognised by its first bytes (its magic number, `sniff`), never by its name or by the
type its sender declares; only the types listed in config/files.yml are kept, up to its
`max_bytes`, anything else is `Refused`. A file's key is the SHA-256 of its bytes (a photo sent
twice is kept once), so a key is 64 hex digits and cannot name anything outside the store.

Where the files are is `FILE_STORE_URL` (`bot.settings`): a local directory, var/files by
default, each file readable by its owner only; or, for several machines, an S3-compatible bucket,
`s3://bucket/prefix` (boto3, credentials from the usual `AWS_*` variables, `S3_ENDPOINT_URL` for
a service other than AWS, e.g. MinIO; README, "Photos and voice messages").
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, FrozenSet, Optional, Protocol, Tuple
from urllib.parse import urlparse

from bot.datafiles import load_yaml, repo_path
from bot.settings import Settings

DEFAULT_FILES_PATH = repo_path("config/files.yml")
_KEY = re.compile(r"[0-9a-f]{64}")

#: Content type → does `data` start the way such a file does. Checked in this order.
SIGNATURES: Tuple[Tuple[str, Callable[[bytes], bool]], ...] = (
    ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    ("image/png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/gif", lambda data: data[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP"),
    ("audio/ogg", lambda data: data.startswith(b"OggS")),
    ("audio/amr", lambda data: data.startswith(b"#!AMR\n")),
    ("audio/mpeg", lambda data: data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ("audio/mp4", lambda data: data[4:8] == b"ftyp" and data[8:12] in (b"M4A ", b"M4B ")),
)


def sniff(data: bytes) -> Optional[str]:
    """The content type `data`'s first bytes show (one of `SIGNATURES`), or None."""
    return next((content_type for content_type, starts in SIGNATURES if starts(data)), None)


class Refused(ValueError):
    """The file is not kept: `why` is "empty", "too_large" or "type"."""

    def __init__(self, why: str, detail: str) -> None:
        super().__init__(detail)
        self.why = why


class FileMissing(LookupError):
    """No file has this key in the store."""


@dataclass(frozen=True)
class StoredFile:
    """A file as kept: its key in the store, the type its bytes showed, its size in bytes."""

    key: str
    content_type: str
    size: int


@dataclass(frozen=True)
class FileLimits:
    """config/files.yml: the largest file kept, and the content types kept."""

    max_bytes: int
    types: FrozenSet[str]

    def check(self, data: bytes) -> str:
        """The content type of `data`; `Refused` when it is empty, too large or not a kept type."""
        if not data:
            raise Refused("empty", "the file is empty")
        if len(data) > self.max_bytes:
            raise Refused("too_large", f"{len(data)} bytes, more than the {self.max_bytes} kept")
        content_type = sniff(data)
        if content_type is None or content_type not in self.types:
            raise Refused("type", f"not a kept type ({content_type or 'unrecognised bytes'})")
        return content_type


@lru_cache(maxsize=4)
def load_file_limits(path: Path = DEFAULT_FILES_PATH) -> FileLimits:
    """The limits in config/files.yml; `ValueError` for a type no signature recognises."""
    raw = load_yaml(Path(path))
    types = frozenset(str(t) for t in raw["types"])
    unknown = types - {content_type for content_type, _ in SIGNATURES}
    if unknown:
        raise ValueError(f"{path}: types {', '.join(sorted(unknown))} cannot be recognised; "
                         f"known: {', '.join(t for t, _ in SIGNATURES)}")
    return FileLimits(int(raw["max_bytes"]), types)


class Backend(Protocol):
    """Where the bytes are kept, by key."""

    def write(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes:
        """The bytes under `key`; `FileMissing` when there are none."""


class Directory:
    """Files in a local directory, two levels deep (`ab/abcdef…`), readable by their owner only."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise FileMissing(key) from None


class Bucket:
    """Files in an S3-compatible bucket, under `prefix`, written private."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data,
                               ContentType="application/octet-stream")

    def read(self, key: str) -> bytes:
        try:
            data: bytes = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise FileMissing(key) from None
        return data


class FileStore:
    """Keeps files within `limits` in `backend`, under the SHA-256 of their bytes."""

    def __init__(self, backend: Backend, limits: Optional[FileLimits] = None) -> None:
        self.backend = backend
        self.limits = limits or load_file_limits()

    def put(self, data: bytes) -> StoredFile:
        """Keep `data`; `Refused` when it is empty, too large or of a type not kept."""
        content_type = self.limits.check(data)
        key = hashlib.sha256(data).hexdigest()
        self.backend.write(key, data)
        return StoredFile(key, content_type, len(data))

    def get(self, key: str) -> bytes:
        """The bytes kept under `key`; `FileMissing` for an unknown (or impossible) key."""
        if not _KEY.fullmatch(key or ""):
            raise FileMissing(key)
        return self.backend.read(key)


def file_store_from_settings(settings: Settings) -> FileStore:
    """The store at `settings.file_store_url`: an s3:// bucket, else a local directory."""
    url = urlparse(settings.file_store_url)
    if url.scheme == "s3":
        import boto3  # only for a bucket
        from botocore.config import Config

        path_style = Config(s3={"addressing_style": "path"}) if settings.s3_endpoint_url else None
        client = boto3.client("s3", endpoint_url=settings.s3_endpoint_url, config=path_style)
        return FileStore(Bucket(client, url.netloc, url.path))
    return FileStore(Directory(Path(settings.file_store_url)))
