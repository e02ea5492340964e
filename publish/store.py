"""The `Store` protocol: every call the publisher and its state make of a target (S3Store, DirectoryStore).

    store.put(key, body, content_type, cache_control, digest=sha256)   # digest: a directory's ETag, already known
    store.get_versioned(key)            # (bytes or None, its version: S3's ETag, a directory's stat)
    store.put_if(key, body, ..., if_match=version)   # None when someone else wrote it first
    store.list(under=".bundlesmith/sources/")        # {key: ETag}, relative to the store's prefix
    store.folders(".bundlesmith/served/")            # the names of the folders right under it, nothing else
    store.version(key)                  # one HEAD or stat

`etag` names what `list()` reports per object (`md5` for S3, `sha256` for a directory), so the state's records can
be compared with a listing; a listing under the private `.bundlesmith/` may report a version instead (a
directory's stat), only ever compared with itself. `folders` is the cheapest listing there is (S3:
`Delimiter="/"`, names without ETags, dates or sizes, 3-4 times cheaper per page on moto; a directory: one scandir
without a stat), used for the per-source markers. `prefix` is what CloudFront paths start with. Nothing here is
probed with getattr.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Store(Protocol):
    """Where a target's objects and state go."""

    prefix: str
    etag: str

    def put(self, key: str, body: bytes, content_type: str, cache_control: str,
            digest: str | None = None) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def get_versioned(self, key: str) -> tuple[bytes | None, str | None]: ...
    def put_if(self, key: str, body: bytes, content_type: str, cache_control: str, *, if_match: str | None = None,
               if_none_match: bool = False) -> str | None: ...
    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None: ...
    def delete(self, keys: Iterable[str]) -> None: ...
    def list(self, under: str = "") -> dict[str, str]: ...
    def folders(self, under: str) -> list[str]: ...
    def version(self, key: str) -> str | None: ...
    def ensure_cors(self) -> bool: ...
