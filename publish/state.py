"""What a target keeps about itself, per source, under `.bundlesmith/` (never served): types, codec, keys.

    <prefix>/.bundlesmith/sources/<source>.json           SourceState: what one source serves and its history
    <prefix>/.bundlesmith/served/<source>@<build>[~]@<inputs>/marker  a marker per served source (`~`: no copy)
    <prefix>/.bundlesmith/index.json                       Index: {"layout": 2, "orphans": {key: since}, "migrated_at"}
    <prefix>/.bundlesmith/builds/<source>/<build>/...      build copies (what rollback serves) and build.json records

    state = decode_state(store.get(state_key("storefront")))   # None when absent or unreadable
    state.objects[key].sha256; state.builds; state.refs; state.events; state.version
    encode_state(state)                                        # deterministic bytes (sorted keys, trailing newline)

A change writes the changed source's objects, its state (a few KB) and a 0-byte marker: the same at 100,000
sources as at 1,000. Listing the folders of `served/` (S3: `Delimiter="/"`, names only; a directory: one scandir)
tells a new process which build each source serves without reading any state; a source whose build id (and
inputs digest, when the build has one) equals its marker is unchanged.
`index.json` is small and independent of the number of sources: the candidate orphans (immutable objects a source
stopped referencing, `since` None until the next publish dates them) and when the target was migrated from the
layout-1 manifest (`publish.migrate`). Everything here holds hashes, headers, ids and times, never a setting value.
Source ids are `[A-Za-z0-9_-]`, so `@` separates a marker's fields safely.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

STATE_PREFIX = ".bundlesmith/"
SOURCES_FOLDER = f"{STATE_PREFIX}sources"  # a directory's folder of states: its stat changes with every state
SOURCES_PREFIX = f"{SOURCES_FOLDER}/"
SERVED_FOLDER = f"{STATE_PREFIX}served"  # a directory's folder of markers: its stat changes with every marker
SERVED_PREFIX = f"{SERVED_FOLDER}/"
INDEX_KEY = f"{STATE_PREFIX}index.json"
LEGACY_MANIFEST_KEY = f"{STATE_PREFIX}manifest.json"  # layout 1: migrated on the first publish (publish.migrate)
PRIVATE_CACHE_CONTROL = "private, no-store"  # the state and build copies: never cached, never public
MAX_EVENTS = 20  # per source, newest kept
LAYOUT = 2
NO_INPUTS = "-"
UNKEPT = "~"  # after a marker's build id: the build has no build copy (nothing to roll back to)
MARKER_FILE = "marker"  # a marker is a folder (listed by name alone) holding this empty object
BUILD_RECORD = "build.json"  # beside the copies (object keys all have a folder: never a clash)


@dataclass
class ObjectRecord:
    """What a target knows of one object a source serves (no body, nothing private)."""

    sha256: str
    content_type: str
    cache_control: str
    immutable: bool
    size: int = 0
    md5: str | None = None  # S3's ETag of a single-part upload (a directory's listing reports the SHA-256)
    published_at: float = 0.0
    visible_everywhere_by: float = 0.0
    invalidated_at: float | None = None

    def dated(self, published_at: float, visible_everywhere_by: float) -> "ObjectRecord":
        """Return this record published at `published_at` (as `dataclasses.replace`, 5x faster: 7 per source)."""
        return ObjectRecord(self.sha256, self.content_type, self.cache_control, self.immutable, self.size, self.md5,
                            published_at, visible_everywhere_by, self.invalidated_at)

    def etag(self, field_name: str) -> str | None:
        """Return the field a store's listing reports (`md5` or `sha256`)."""
        return self.md5 if field_name == "md5" else self.sha256

    def as_dict(self) -> dict[str, Any]:
        """Return the record as stored and shown by `status()` (absent optional fields left out)."""
        return {k: v for k, v in vars(self).items() if v is not None}  # flat: no deep copy (asdict's cost)

    @classmethod
    def from_dict(cls, data: Any) -> ObjectRecord | None:
        """Read a stored record (None when it lacks a required field)."""
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in
                                                 ("sha256", "content_type", "cache_control")):
            return None
        return cls(data["sha256"], data["content_type"], data["cache_control"], bool(data.get("immutable")),
                   int(data.get("size") or 0), data.get("md5"), float(data.get("published_at") or 0.0),
                   float(data.get("visible_everywhere_by") or 0.0), _float_or_none(data.get("invalidated_at")))


@dataclass
class SourceState:
    """One source's publish state: what it serves, the builds kept for rollback, its events and version."""

    source_id: str
    write_key: str = ""
    build_id: str | None = None
    published_at: float | None = None
    visible_everywhere_by: float | None = None
    invalidated_at: float | None = None
    objects: dict[str, ObjectRecord] = field(default_factory=dict)
    builds: list[str] = field(default_factory=list)  # retained build ids, oldest first
    refs: dict[str, str] = field(default_factory=dict)  # every key a retained build has: its newest such build
    events: list[dict[str, Any]] = field(default_factory=list)
    version: dict[str, Any] | None = None  # the worker's `changes.Version` as a dict
    inputs: str | None = None  # the build's input digest, when the builder gives one

    def entry_keys(self) -> list[str]:
        """Return the keys of the entry (not immutable) objects it serves, sorted."""
        return sorted(k for k, r in self.objects.items() if not r.immutable)

    def referenced(self) -> set[str]:
        """Return every key it serves or a retained build of it references."""
        return set(self.objects) | set(self.refs)

    def add_event(self, event: dict[str, Any]) -> None:
        """Append an event (publish, rollback), keeping the newest MAX_EVENTS."""
        self.events = (self.events + [event])[-MAX_EVENTS:]

    def status(self) -> dict[str, Any]:
        """Return what `status()` shows of the source (the shape the admin API and console read)."""
        shown: dict[str, Any] = {"source_id": self.source_id, "write_key": self.write_key, "build_id": self.build_id,
                                 "published_at": self.published_at,
                                 "visible_everywhere_by": self.visible_everywhere_by,
                                 "events": [dict(e) for e in self.events], "builds": list(self.builds),
                                 "objects": {k: r.as_dict() for k, r in sorted(self.objects.items())}}
        if self.invalidated_at is not None:
            shown["invalidated_at"] = self.invalidated_at
        return shown


def encode_state(state: SourceState) -> bytes:
    """Serialise a source's state deterministically."""
    data = {f.name: getattr(state, f.name) for f in fields(state)}  # encoded at once: nothing to copy
    data["objects"] = {k: r.as_dict() for k, r in state.objects.items()}
    return encode_json(data)


def decode_state(body: bytes | None) -> SourceState | None:
    """Parse a stored source state (None when missing or unreadable: treated as absent, reported by --verify)."""
    data = _json_object(body)
    if data is None or not isinstance(data.get("source_id"), str) or not isinstance(data.get("objects"), dict):
        return None
    objects = {k: r for k, v in data["objects"].items() if (r := ObjectRecord.from_dict(v)) is not None}
    try:
        return SourceState(data["source_id"], str(data.get("write_key") or ""), data.get("build_id"),
                           _float_or_none(data.get("published_at")), _float_or_none(data.get("visible_everywhere_by")),
                           _float_or_none(data.get("invalidated_at")), objects,
                           [str(b) for b in data.get("builds", [])],
                           {str(k): str(v) for k, v in dict(data.get("refs", {})).items()},
                           [e for e in data.get("events", []) if isinstance(e, dict)],
                           data.get("version") if isinstance(data.get("version"), dict) else None,
                           data.get("inputs") if isinstance(data.get("inputs"), str) else None)
    except (TypeError, ValueError):
        return None


@dataclass
class Index:
    """The target's small shared state: candidate orphans ({key: since, None until dated}) and the migration."""

    orphans: dict[str, float | None] = field(default_factory=dict)
    migrated_at: float | None = None

    def encode(self) -> bytes:
        """Serialise deterministically."""
        return encode_json({"layout": LAYOUT, "orphans": self.orphans, "migrated_at": self.migrated_at})


def decode_index(body: bytes | None) -> Index | None:
    """Parse a stored index (None when missing or not layout 2)."""
    data = _json_object(body)
    if data is None or data.get("layout") != LAYOUT:
        return None
    orphans = data.get("orphans") if isinstance(data.get("orphans"), dict) else {}
    return Index({str(k): _float_or_none(v) for k, v in orphans.items()}, _float_or_none(data.get("migrated_at")))


@dataclass(frozen=True)
class Marker:
    """What the listing of `served/` says of one source."""

    source_id: str
    build_id: str
    inputs: str | None
    key: str
    kept: bool = True  # the build has a build copy (`bundlesmith build` keeps none: a publish then makes one)


def state_key(source_id: str) -> str:
    """Return where a source's state is kept."""
    return f"{SOURCES_PREFIX}{source_id}.json"


def marker_key(source_id: str, build_id: str, inputs: str | None, kept: bool = True) -> str:
    """Return the key of the marker saying `source_id` serves `build_id` (built from `inputs`; `~`: no copy kept)."""
    return f"{SERVED_PREFIX}{source_id}@{build_id}{'' if kept else UNKEPT}@{inputs or NO_INPUTS}/{MARKER_FILE}"


def parse_marker(name: str) -> Marker | None:
    """Read a marker: its folder's name in the `served/` listing, or its key (None for anything else)."""
    if name.startswith(SERVED_PREFIX):
        name = name[len(SERVED_PREFIX):]
        if not name.endswith(f"/{MARKER_FILE}"):
            return None
        name = name[:-len(MARKER_FILE) - 1]
    parts = name.split("@")
    if len(parts) != 3 or not all(parts) or "/" in name:
        return None
    build_id = parts[1].removesuffix(UNKEPT)
    return Marker(parts[0], build_id, None if parts[2] == NO_INPUTS else parts[2],
                  f"{SERVED_PREFIX}{name}/{MARKER_FILE}", build_id == parts[1])


def source_of_state_key(key: str) -> str | None:
    """Return the source id of a state key (None for anything else)."""
    if key.startswith(SOURCES_PREFIX) and key.endswith(".json") and "/" not in key[len(SOURCES_PREFIX):]:
        return key[len(SOURCES_PREFIX):-len(".json")]
    return None


def is_private_key(key: str) -> bool:
    """True for keys of the target's own state, which the CDN must never serve."""
    return key.startswith(STATE_PREFIX)


def build_copy_key(source_id: str, build_id: str, key: str) -> str:
    """Return where the build copy of an entry object is kept (what rollback serves again)."""
    return f"{STATE_PREFIX}builds/{source_id}/{build_id}/{key}"


def build_record_key(source_id: str, build_id: str) -> str:
    """Return where a retained build's record is kept."""
    return build_copy_key(source_id, build_id, BUILD_RECORD)


def encode_build_record(source_id: str, build_id: str, objects: dict[str, tuple[str, str, bool]]) -> bytes:
    """Serialise a build's record: {key: (sha256, content type, immutable)} of every object it serves."""
    return encode_json({"source_id": source_id, "build_id": build_id,
                        "objects": {k: {"sha256": sha, "content_type": ctype, "immutable": immutable}
                                    for k, (sha, ctype, immutable) in objects.items()}})


def decode_build_record(body: bytes | None) -> dict[str, Any] | None:
    """Parse a stored build record (None when missing or unreadable)."""
    data = _json_object(body)
    return data if data is not None and isinstance(data.get("objects"), dict) else None


def retain(state: SourceState, build_id: str, keys: Iterable[str], keep: int) -> list[str]:
    """Record a newly published build as retained, keep the newest `keep`; return the dropped builds' private keys."""
    state.builds.append(build_id)
    state.refs.update(dict.fromkeys(keys, build_id))
    dropped, state.builds = state.builds[:-keep], state.builds[-keep:]
    garbage = private_copies(state, dropped)  # every key a dropped build had is in refs
    for key in [k for k, newest in state.refs.items() if newest in dropped]:
        del state.refs[key]
    return garbage


def private_copies(state: SourceState, build_ids: list[str]) -> list[str]:
    """Return the record and entry-object copies the given builds may have (a key never copied is harmless)."""
    immutable = {k for k, r in state.objects.items() if r.immutable}
    return [build_record_key(state.source_id, b) for b in build_ids] + [
        build_copy_key(state.source_id, b, k) for b in build_ids for k in state.refs if k not in immutable]


def encode_json(data: Any) -> bytes:
    """Serialise JSON deterministically (sorted keys, compact, trailing newline)."""
    return (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()


def _json_object(body: bytes | None) -> dict[str, Any] | None:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
