"""The layout-1 state: one whole-target manifest (`.bundlesmith/manifest.json`), read once to migrate it.

    {"version": 1,
     "objects": {key: {"sha256", "md5" (S3 only), "size", "content_type", "cache_control", "immutable",
                       "published_at", "visible_everywhere_by", "invalidated_at"?}},
     "sources": {source_id: {"write_key", "build_id", "objects": [keys], "published_at", "visible_everywhere_by",
                             "events": [...]}},
     "builds":  {source_id: [build_id, ...]},     # retained, oldest first (or, older still, inline build records)
     "refs":    {source_id: {key: build_id}},     # every key a retained build has: its newest such build
     "orphans": {key: orphaned_at},
     "versions": {source_id: {"number", "hash"}}} # the workers' per-source versions

Targets published by earlier bundlesmith hold it; `publish.migrate` turns it into per-source states
(`publish.state`) on the first publish by this version. Nothing writes it any more.
"""
from __future__ import annotations

import json
from typing import Any

from publish.state import LEGACY_MANIFEST_KEY, encode_json

MANIFEST_KEY = LEGACY_MANIFEST_KEY


def empty_manifest() -> dict[str, Any]:
    """Return the state of a target that holds nothing yet."""
    return {"version": 1, "objects": {}, "sources": {}, "builds": {}, "refs": {}, "orphans": {}}


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
    return _compact_builds({**empty_manifest(), **data})


def _compact_builds(manifest: dict[str, Any]) -> dict[str, Any]:
    """Turn build records kept in the manifest (written by earlier versions still) into ids and `refs`."""
    for source_id, builds in manifest["builds"].items():
        if builds and isinstance(builds[0], dict):
            manifest["builds"][source_id] = [b["build_id"] for b in builds]
            refs = manifest["refs"].setdefault(source_id, {})
            for build in builds:
                refs.update(dict.fromkeys(build.get("objects", {}), build["build_id"]))
    return manifest


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    """Serialise a manifest deterministically (as layout 1 wrote it)."""
    return encode_json(manifest)
