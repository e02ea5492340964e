"""Immutable, numbered workspace snapshots that producers write and workers read (no shared filesystem needed).

    store = open_snapshot_store("s3://cdn-bucket/site", client)     # or a local directory when all run on one host
    version, location = store.create(pack_workspace(Path("ws")))      # reuses the newest version when unchanged
    snapshot = unpack_snapshot(store.read(location))                   # Snapshot(files, origin, content_hash)
    root = snapshot.materialize(Path("/tmp/ws-42"))                    # a workspace directory load_workspace reads

A snapshot is gzipped deterministic JSON of the workspace's own files (`workspace.yaml` and `sources/**`), its
SHA-256 and the directory it was taken from (local targets resolve against it). Numbers are allocated here: the
producer creates `.bundlesmith/snapshots/<number>.json.gz` only if it does not exist yet (S3 `If-None-Match: *`,
`O_EXCL` on a directory) and takes the next number when another producer was first, so every number names exactly
one snapshot and versions are totally ordered. `HEAD.json` is only a hint of the newest number (a wrong hint
costs one more attempt, never a wrong version).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from builder.errors import SnapshotError, UsageError
from builder.workspace import WORKSPACE_FILE, source_paths
from bundlesmith.workers.changes import Version
from publish.atomic_file import atomic_write
from publish.aws import translate_aws_errors

SNAPSHOT_FORMAT = 1
SNAPSHOT_DIR = ".bundlesmith/snapshots/"
HINT = "HEAD.json"
MAX_ATTEMPTS = 1000  # numbers tried past the hint before giving up (a hint that far behind is a bug)


@dataclass(frozen=True)
class Snapshot:
    """The files of one workspace version."""

    files: dict[str, str]  # path relative to the workspace -> text
    origin: str            # the directory the producer took it from
    content_hash: str

    def materialize(self, root: Path) -> Path:
        """Write the files under `root` (once: a complete directory is reused) and return it."""
        done = root / ".bundlesmith-snapshot-complete"
        if done.exists():
            return root
        for name, text in self.files.items():
            path = root / name
            if path.resolve().parent != root.resolve() and root.resolve() not in path.resolve().parents:
                raise SnapshotError(f"the snapshot names a file outside the workspace: {name!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        done.write_text(self.content_hash)
        return root


def pack_workspace(root: Path) -> tuple[bytes, str]:
    """Return the snapshot bytes of the workspace at `root` and their content hash."""
    names = [root / WORKSPACE_FILE] + source_paths(root)
    files = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in names if p.is_file()}
    if WORKSPACE_FILE not in files:
        raise UsageError(f"{root} has no {WORKSPACE_FILE}; it is not a workspace")
    content = json.dumps(files, sort_keys=True, separators=(",", ":"))
    content_hash = hashlib.sha256(content.encode()).hexdigest()
    document = {"format": SNAPSHOT_FORMAT, "hash": content_hash, "origin": str(root.resolve()), "files": files}
    return gzip.compress(json.dumps(document, sort_keys=True).encode(), mtime=0), content_hash


def unpack_snapshot(body: bytes) -> Snapshot:
    """Parse snapshot bytes, checking the content against its hash."""
    try:
        document = json.loads(gzip.decompress(body))
        files, content_hash = document["files"], document["hash"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"the snapshot is unreadable: {exc}") from exc
    content = json.dumps(files, sort_keys=True, separators=(",", ":"))
    if hashlib.sha256(content.encode()).hexdigest() != content_hash:
        raise SnapshotError("the snapshot's files do not match its hash")
    return Snapshot(files, str(document.get("origin", "")), content_hash)


def snapshot_name(number: int) -> str:
    """Return the file name of snapshot `number`."""
    return f"{number:012d}.json.gz"


class SnapshotStore(Protocol):
    """Where snapshots live: S3 or a local directory."""

    def create(self, packed: tuple[bytes, str]) -> tuple[Version, str]: ...
    def read(self, location: str) -> bytes: ...


def allocate(packed: tuple[bytes, str], hint: Callable[[], dict[str, Any]], create: Callable[[int, bytes], bool],
             set_hint: Callable[[dict[str, Any]], None]) -> tuple[Version, int]:
    """Create the snapshot under the first free number after the hint; reuse the hinted one when it is the same."""
    body, content_hash = packed
    latest = hint()
    number = int(latest.get("number", 0))
    if number and latest.get("hash") == content_hash:
        return Version(number, content_hash), number
    for number in range(number + 1, number + 1 + MAX_ATTEMPTS):
        if create(number, body):
            set_hint({"number": number, "hash": content_hash})
            return Version(number, content_hash), number
    raise SnapshotError(f"no free snapshot number after {MAX_ATTEMPTS} attempts past the hint {latest}")


class S3SnapshotStore:
    """Snapshots under `<prefix>/.bundlesmith/snapshots/` of a bucket."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client, self.bucket = client, bucket
        self.base = (prefix.strip("/") + "/" if prefix.strip("/") else "") + SNAPSHOT_DIR

    def create(self, packed: tuple[bytes, str]) -> tuple[Version, str]:
        """Store a snapshot under a new number (or find it is the newest already); return its version and URL."""
        version, number = allocate(packed, self._hint, self._create, self._set_hint)
        return version, f"s3://{self.bucket}/{self.base}{snapshot_name(number)}"

    def read(self, location: str) -> bytes:
        """Return the bytes of the snapshot at an s3:// URL."""
        parsed = urlparse(location)
        if parsed.scheme != "s3":
            raise SnapshotError(f"expected an s3:// snapshot URL, got {location!r}")
        with _s3_errors(f"Failed to read the snapshot {location}"):
            return self.client.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"].read()

    def _hint(self) -> dict[str, Any]:
        try:
            with _s3_errors(f"Failed to read {self.base}{HINT} from {self.bucket}"):
                body = self.client.get_object(Bucket=self.bucket, Key=self.base + HINT)["Body"].read()
        except SnapshotError as exc:
            if "NoSuchKey" in str(exc):
                return {}
            raise
        return _parse_hint(body)

    def _set_hint(self, hint: dict[str, Any]) -> None:
        with _s3_errors(f"Failed to write {self.base}{HINT} to {self.bucket}"):
            self.client.put_object(Bucket=self.bucket, Key=self.base + HINT, Body=json.dumps(hint).encode(),
                                   ContentType="application/json", CacheControl="private, no-store")

    def _create(self, number: int, body: bytes) -> bool:
        key = self.base + snapshot_name(number)
        try:
            with _s3_errors(f"Failed to create the snapshot {key} in {self.bucket}"):
                self.client.put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*",
                                       ContentType="application/gzip", CacheControl="private, no-store",
                                       ServerSideEncryption="AES256")
        except SnapshotError as exc:
            if "PreconditionFailed" in str(exc) or "ConditionalRequestConflict" in str(exc):
                return False  # another producer took this number
            raise
        return True


class LocalSnapshotStore:
    """Snapshots in a directory every worker on this host can read."""

    def __init__(self, root: Path):
        self.root = root

    def create(self, packed: tuple[bytes, str]) -> tuple[Version, str]:
        """Store a snapshot under a new number (or find it is the newest already); return its version and path."""
        self.root.mkdir(parents=True, exist_ok=True)
        version, number = allocate(packed, self._hint, self._create, self._set_hint)
        return version, str(self.root / snapshot_name(number))

    def read(self, location: str) -> bytes:
        """Return the bytes of the snapshot at a path."""
        try:
            return Path(location).read_bytes()
        except OSError as exc:
            raise SnapshotError(f"Failed to read the snapshot {location}: {exc.strerror or exc}") from exc

    def _hint(self) -> dict[str, Any]:
        try:
            return _parse_hint((self.root / HINT).read_bytes())
        except FileNotFoundError:
            return {}

    def _set_hint(self, hint: dict[str, Any]) -> None:
        atomic_write(str(self.root / HINT), json.dumps(hint).encode())

    def _create(self, number: int, body: bytes) -> bool:
        final = self.root / snapshot_name(number)
        temporary = self.root / f".{snapshot_name(number)}.{os.getpid()}"
        temporary.write_bytes(body)
        try:
            os.link(temporary, final)  # atomic, and fails when the number is taken: the whole file or nothing
        except FileExistsError:
            return False
        finally:
            temporary.unlink()
        return True


def open_snapshot_store(url: str, make_client: Callable[[], Any] | None = None) -> SnapshotStore:
    """Open the snapshot store at an s3://BUCKET/PREFIX URL (the target's) or a local directory."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if make_client is None:
            raise UsageError(f"{url} is in S3, but no S3 client was given")
        return S3SnapshotStore(make_client(), parsed.netloc, parsed.path)
    if parsed.scheme in ("", "file"):
        return LocalSnapshotStore(Path(parsed.netloc + parsed.path if parsed.scheme == "file" else url))
    raise UsageError(f"snapshot store {url!r}: expected s3://BUCKET/PREFIX or a directory")


def _parse_hint(body: bytes) -> dict[str, Any]:
    try:
        hint = json.loads(body)
    except ValueError:
        return {}
    return hint if isinstance(hint, dict) and isinstance(hint.get("number"), int) else {}


def _s3_errors(what: str) -> AbstractContextManager[None]:
    """Translate AWS errors into SnapshotError through the one AWS boundary."""
    return translate_aws_errors(what, SnapshotError)
