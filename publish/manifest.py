"""The publish state a target keeps about itself, under a key the CDN never serves.

    <prefix>/.bundlesmith/manifest.json
    {"version": 1,
     "objects": {key: {"sha256", "md5" (S3 only), "size", "content_type", "cache_control", "immutable",
                       "published_at", "visible_everywhere_by"}},      # every object served now
     "sources": {source_id: {"write_key", "build_id", "objects": [keys], "published_at", "visible_everywhere_by",
                             "events": [{"action": "publish" | "rollback", "build_id", "at", "from"?}]}},
     "builds":  {source_id: [build_id, ...]},                 # retained, oldest first
     "refs":    {source_id: {key: build_id}},                 # every key a retained build has: its newest such build
     "orphans": {key: orphaned_at}}                           # immutable objects no build references

A retained build's record (its objects' hashes and types, what a rollback serves again) is not in the manifest:
it sits beside the build copies (private copies of the build's entry objects) as
`.bundlesmith/builds/<source>/<build id>/build.json`, written once when the build is first published. So the
manifest grows with the sources, not with their history: `refs` keeps only the newest retained build per key
(builds are dropped oldest first, so a key whose newest build is dropped is referenced by none), which is all the
plan needs to keep a retained build's plugin files alive.

The field a store's listing reports (`md5` for S3's ETags, `sha256` for a directory) is what a plan compares to
find drift. Keys are relative to the target's prefix. Everything under `.bundlesmith/` (this file, the build
copies) is private: it is left out of the public-read bucket policy and of every plan of served objects.
The manifest holds hashes, headers, ids and times, never a setting value or a credential.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

STATE_PREFIX = ".bundlesmith/"
MANIFEST_KEY = f"{STATE_PREFIX}manifest.json"
PRIVATE_CACHE_CONTROL = "private, no-store"  # the state and build copies: never cached, never public
MAX_EVENTS = 20  # per source, newest kept (the manifest is written whole per publish: its size is per-change cost)


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
    """Turn build records kept in the manifest (written by earlier versions) into ids and `refs`."""
    for source_id, builds in manifest["builds"].items():
        if builds and isinstance(builds[0], dict):
            manifest["builds"][source_id] = [b["build_id"] for b in builds]
            refs = manifest["refs"].setdefault(source_id, {})
            for build in builds:
                refs.update(dict.fromkeys(build.get("objects", {}), build["build_id"]))
    return manifest


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    """Serialise the manifest deterministically."""
    return (json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n").encode()


TABLES = ("builds", "objects", "refs", "sources")  # the tables that grow with the workspace, encoded entry by entry


class ManifestEncoder:
    """`encode_manifest`, byte for byte, re-encoding only the table entries a publish says it touched.

        encoder.encode(manifest)                                   # everything (and remembered)
        encoder.encode(manifest, touched={"objects": {...}, ...})  # the same manifest object, a few entries changed

    Each entry of `builds`, `objects` and `sources` is kept as its encoded text; with `touched`, only the named
    entries are encoded again (an entry gone from its table is dropped), and everything else (`orphans`,
    `version`, ...) is encoded whole. `touched` is honoured only for the manifest object encoded last; any other
    manifest is encoded whole. Whoever passes `touched` must name every entry it changed since.
    """

    def __init__(self) -> None:
        self._held: dict[str, Any] | None = None
        self._fragments: dict[str, dict[str, bytes]] = {}  # per table, each entry's encoded bytes (ASCII JSON)
        self._order: dict[str, list[str]] = {}  # per table, its keys sorted (kept while no key comes or goes)

    def encode(self, manifest: dict[str, Any], touched: dict[str, set[str]] | None = None) -> bytes:
        """Return `encode_manifest(manifest)`."""
        if touched is None or self._held is not manifest:
            self._fragments = {t: {k: _entry(k, v) for k, v in manifest.get(t, {}).items()} for t in TABLES
                               if isinstance(manifest.get(t), dict)}
            self._order = {}
        else:
            for table, keys in touched.items():
                fragments, entries = self._fragments.setdefault(table, {}), manifest.get(table, {})
                for key in keys:
                    if key in entries:
                        if key not in fragments:
                            self._order.pop(table, None)
                        fragments[key] = _entry(key, entries[key])
                    elif fragments.pop(key, None) is not None:
                        self._order.pop(table, None)
        self._held = manifest
        parts = []
        for name in sorted(manifest):
            fragments = self._fragments.get(name) if isinstance(manifest[name], dict) else None
            if fragments is None:
                parts.append(_entry(name, manifest[name]))
            else:  # bytes all the way: a large manifest is never copied from str to bytes
                order = self._order.get(name)
                if order is None:
                    order = self._order[name] = sorted(fragments)
                parts.append(json.dumps(name).encode() + b":{" + b",".join(map(fragments.__getitem__, order)) + b"}")
        return b"{" + b",".join(parts) + b"}\n"


def _entry(key: str, value: Any) -> bytes:
    """Return `"key":value` as `encode_manifest` writes it (json.dumps escapes to ASCII, so it encodes alike)."""
    return (json.dumps(key) + ":" + json.dumps(value, sort_keys=True, separators=(",", ":"))).encode()


def is_private_key(key: str) -> bool:
    """True for keys of the target's own state, which the CDN must never serve."""
    return key.startswith(STATE_PREFIX)


def build_copy_key(source_id: str, build_id: str, key: str) -> str:
    """Return where the build copy of an entry object is kept (what rollback serves again)."""
    return f"{STATE_PREFIX}builds/{source_id}/{build_id}/{key}"


BUILD_RECORD = "build.json"  # beside the copies (object keys all have a folder: never a clash)


def build_record_key(source_id: str, build_id: str) -> str:
    """Return where a retained build's record is kept."""
    return build_copy_key(source_id, build_id, BUILD_RECORD)


def encode_build_record(source_id: str, build_id: str, objects: dict[str, tuple[str, str, bool]]) -> bytes:
    """Serialise a build's record: {key: (sha256, content type, immutable)} of every object it serves."""
    return encode_manifest({"source_id": source_id, "build_id": build_id,
                            "objects": {k: {"sha256": sha, "content_type": ctype, "immutable": immutable}
                                        for k, (sha, ctype, immutable) in objects.items()}})


def decode_build_record(body: bytes | None) -> dict[str, Any] | None:
    """Parse a stored build record (None when missing or unreadable)."""
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("objects"), dict) else None


def retain(manifest: dict[str, Any], source_id: str, build_id: str, keys: Iterable[str], keep: int) -> list[str]:
    """Record a newly published build as retained, keep the newest `keep`; return the dropped builds' private keys."""
    builds = manifest["builds"].setdefault(source_id, [])
    refs = manifest["refs"].setdefault(source_id, {})
    builds.append(build_id)
    refs.update(dict.fromkeys(keys, build_id))
    dropped, manifest["builds"][source_id] = builds[:-keep], builds[-keep:]
    garbage = _private_copies(manifest, source_id, dropped, list(refs))  # every key a dropped build had is in refs
    for key in [k for k, newest in refs.items() if newest in dropped]:
        del refs[key]
    return garbage


def forget(manifest: dict[str, Any], source_id: str) -> list[str]:
    """Drop every retained build of a source that left; return their private keys."""
    garbage = _private_copies(manifest, source_id, manifest["builds"].get(source_id, []),
                              list(manifest["refs"].get(source_id, {})))
    manifest["refs"].pop(source_id, None)
    manifest["builds"].pop(source_id, None)
    return garbage


def _private_copies(manifest: dict[str, Any], source_id: str, build_ids: list[str], keys: list[str]) -> list[str]:
    """Return the record and entry-object copies the given builds may have (a key that was never copied is harmless)."""
    objects = manifest["objects"]
    return [build_record_key(source_id, b) for b in build_ids] + [
        build_copy_key(source_id, b, k) for b in build_ids for k in keys if not objects.get(k, {}).get("immutable")]


def add_event(source_state: dict[str, Any], event: dict[str, Any]) -> None:
    """Append an event (publish, rollback) to a source's state, keeping the newest MAX_EVENTS."""
    source_state["events"] = (source_state.get("events", []) + [event])[-MAX_EVENTS:]
