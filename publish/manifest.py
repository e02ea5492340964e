"""The publish state a target keeps about itself, under a key the CDN never serves.

    <prefix>/.bundlesmith/manifest.json
    {"version": 1,
     "objects": {key: {"sha256", "md5", "size", "content_type", "cache_control", "immutable",
                       "published_at", "visible_everywhere_by"}},      # every object served now
     "sources": {source_id: {"write_key", "build_id", "objects": [keys], "published_at", "visible_everywhere_by",
                             "events": [{"action": "publish" | "rollback", "build_id", "at", "from"?}]}},
     "builds":  {source_id: [{"build_id", "published_at", "objects": {key: sha256}}]},   # retained, oldest first
     "orphans": {key: orphaned_at}}                                      # immutable objects no build references

Keys are relative to the target's prefix. Everything under `.bundlesmith/` (this file, the per-build copies of
entry objects) is private: it is left out of the public-read bucket policy and of every plan of served objects.
The manifest holds hashes, headers, ids and times, never a setting value or a credential.
"""
from __future__ import annotations

import json
from typing import Any

STATE_PREFIX = ".bundlesmith/"
MANIFEST_KEY = f"{STATE_PREFIX}manifest.json"
PRIVATE_CACHE_CONTROL = "private, no-store"  # the state and build copies: never cached, never public
MAX_EVENTS = 50  # per source, newest kept


def empty_manifest() -> dict[str, Any]:
    """Return the state of a target that holds nothing yet."""
    return {"version": 1, "objects": {}, "sources": {}, "builds": {}, "orphans": {}}


def decode_manifest(body: bytes | None) -> dict[str, Any]:
    """Parse stored manifest bytes (None or unreadable bytes give an empty state)."""
    if not body:
        return empty_manifest()
    try:
        data = json.loads(body)
    except ValueError:
        return empty_manifest()
    if not isinstance(data, dict) or data.get("version") != 1:
        return empty_manifest()
    return {**empty_manifest(), **data}


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    """Serialise the manifest deterministically."""
    return (json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n").encode()


def is_private_key(key: str) -> bool:
    """True for keys of the target's own state, which the CDN must never serve."""
    return key.startswith(STATE_PREFIX)


def snapshot_key(source_id: str, build_id: str, key: str) -> str:
    """Return where the per-build copy of an entry object is kept."""
    return f"{STATE_PREFIX}builds/{source_id}/{build_id}/{key}"


def add_event(source_state: dict[str, Any], event: dict[str, Any]) -> None:
    """Append an event (publish, rollback) to a source's state, keeping the newest MAX_EVENTS."""
    source_state["events"] = (source_state.get("events", []) + [event])[-MAX_EVENTS:]
