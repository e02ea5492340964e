"""Change messages between producers and workers, workspace versions, and what a worker does with a source (pure).

    change = Change(version=Version(42, "9f2c..."), snapshot="s3://cdn/site/.bundlesmith/snapshots/...", sources=("a",))
    body = encode_change(change)             # the SQS message body: deterministic JSON
    change = decode_change(body)             # ChangeFormatError (a reason for the DLQ) when it is not one
    decide(Version(42, "9f2c..."), published=Version(41, "77ab..."))     # "publish" | "duplicate" | "stale"

A workspace version is the producer's number for a workspace snapshot plus the snapshot's content hash. Numbers
are allocated by the snapshot store (`snapshots`), one per distinct snapshot, never reused, so versions are
totally ordered by number and "older" is well defined. A worker records the version it published in the source's
state on the target; a message for a version it already published is a duplicate, one for an older version is stale,
and neither publishes anything.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from builder.errors import ChangeFormatError

MESSAGE_TYPE = "bundlesmith.change"
MESSAGE_FORMAT = 1
MAX_SOURCES_PER_MESSAGE = 100  # keeps a message far below SQS's 256 KiB and spreads big changes over workers

Decision = Literal["publish", "duplicate", "stale"]


@dataclass(frozen=True, order=True)
class Version:
    """A workspace version: ordered by its number; the hash says which snapshot the number names."""

    number: int
    content_hash: str

    def as_dict(self) -> dict[str, Any]:
        """Return the version as source states and messages store it."""
        return {"number": self.number, "hash": self.content_hash}

    @classmethod
    def from_dict(cls, data: Any) -> Version | None:
        """Read a stored version (None when absent or unreadable)."""
        if not isinstance(data, dict) or not isinstance(data.get("number"), int) or isinstance(data["number"], bool):
            return None
        return cls(data["number"], str(data.get("hash", "")))


@dataclass(frozen=True)
class Change:
    """One change message: which sources to rebuild from which workspace snapshot."""

    version: Version
    snapshot: str
    sources: tuple[str, ...]


def encode_change(change: Change) -> str:
    """Return the message body of a change (sorted keys, sources sorted and unique)."""
    return json.dumps({"type": MESSAGE_TYPE, "format": MESSAGE_FORMAT, "version": change.version.as_dict(),
                       "snapshot": change.snapshot, "sources": sorted(set(change.sources))}, sort_keys=True)


def decode_change(body: str) -> Change:
    """Parse a message body into a Change, or say exactly what is wrong with it."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ChangeFormatError(f"the message body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != MESSAGE_TYPE:
        raise ChangeFormatError(f"expected a message of type {MESSAGE_TYPE!r}, got {_type_of(data)!r}")
    if data.get("format") != MESSAGE_FORMAT:
        raise ChangeFormatError(f"expected message format {MESSAGE_FORMAT}, got {data.get('format')!r}")
    version = Version.from_dict(data.get("version"))
    if version is None or version.number < 1 or not version.content_hash:
        raise ChangeFormatError(f"expected a version {{number >= 1, hash}}, got {data.get('version')!r}")
    snapshot, sources = data.get("snapshot"), data.get("sources")
    if not isinstance(snapshot, str) or not snapshot:
        raise ChangeFormatError(f"expected the snapshot's location as a string, got {snapshot!r}")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
        raise ChangeFormatError(f"expected a non-empty list of source ids, got {sources!r}")
    return Change(version, snapshot, tuple(sorted(set(sources))))


def _type_of(data: Any) -> Any:
    return data.get("type") if isinstance(data, dict) else type(data).__name__


def split_change(version: Version, snapshot: str, sources: Iterable[str],
                 size: int = MAX_SOURCES_PER_MESSAGE) -> Iterator[Change]:
    """Split the sources of one version into changes of at most `size` sources each."""
    ordered = sorted(set(sources))
    for start in range(0, len(ordered), size):
        yield Change(version, snapshot, tuple(ordered[start:start + size]))


def decide(incoming: Version, published: Version | None) -> Decision:
    """Decide what to do with a source at `incoming` when the target serves it at `published`."""
    if published is None or incoming.number > published.number:
        return "publish"
    if incoming.number == published.number:
        return "duplicate"
    return "stale"
