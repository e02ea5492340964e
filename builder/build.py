"""Build: turn a loaded workspace into the exact objects a CDN serves, source by source.

    workspace = load_workspace(root, catalog)
    builder = Builder(catalog, Assets.load())
    for outcome in builder.build_all(workspace):        # SourceBuild or SourceFailure, one per source file
        ...

A SourceBuild holds every object of one source (settings JSON, analytics.min.js for web sources, and the
content-addressed remote plugin files they reference). A disabled source builds to no objects at all, so a
publisher removes what it served before. Rules are checked again here: nothing that breaks one is ever built.

A source fails alone: any exception while building it (a value JSON cannot hold, a template error, ...) becomes
its SourceFailure (`C-build-failed`: the exception's type and, where one is found, the key path of a value JSON
cannot hold, never the value; the traceback is logged at debug level only), and every other source builds.

No source publishes a private value of any source of the workspace (`R10-private-leak`, failing the source that
would publish it): `build_all` checks against every source's private values, `build_source` against those of the
`PrivateIndex` it is given (`builder.private_values` says how, and what counts as a leak).
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from builder.assets import Assets
from builder.bundle import render_bundle
from builder.catalog import Catalog
from builder.errors import CatalogError
from builder.jsonsafe import script_json
from builder.models import SourceFile, WorkspaceFile
from builder.plugins import PluginFile, render_plugin
from builder.private_values import PrivateIndex, PrivateOrigin, locations
from builder.problems import Problem, format_path
from builder.rules import check_source
from builder.settings import device_instances, render_settings
from builder.workspace import SourceConfig, Workspace

log = logging.getLogger(__name__)

JSON_TYPE = "application/json"
JS_TYPE = "text/javascript; charset=utf-8"


def settings_key(write_key: str) -> str:
    """Return the CDN key of a source's settings JSON."""
    return f"v1/projects/{write_key}/settings"


def bundle_key(write_key: str) -> str:
    """Return the CDN key of a web source's bundle."""
    return f"analytics.js/v1/{write_key}/analytics.min.js"


@dataclass(frozen=True)
class BuiltObject:
    """One file to serve: its key, bytes, content type, and whether it is content-addressed (immutable)."""

    key: str
    body: bytes
    content_type: str
    immutable: bool = False

    @cached_property
    def sha256(self) -> str:
        """Return the hex SHA-256 of the body."""
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class SourceBuild:
    """Everything one source serves, with a build id derived from its content."""

    source_id: str
    write_key: str
    file: str
    objects: tuple[BuiltObject, ...]
    build_id: str
    inputs: str | None = None  # the digest of what it was built from (`builder.inputs`), when the caller knows it

    @property
    def entry_objects(self) -> tuple[BuiltObject, ...]:
        """Return the objects browsers fetch by a fixed key (settings, analytics.min.js)."""
        return tuple(o for o in self.objects if not o.immutable)


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not be built, and why."""

    file: str
    source_id: str | None
    problems: tuple[Problem, ...]


SourceOutcome = SourceBuild | SourceFailure


@dataclass
class Builder:
    """Builds sources against one catalog and one set of assets; plugin files are shared between sources."""

    catalog: Catalog
    assets: Assets
    _plugins: dict[str, PluginFile] = field(default_factory=dict, init=False, repr=False)
    _plugin_objects: dict[str, BuiltObject] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def build_all(self, workspace: Workspace, only: Iterable[str] | None = None,
                  private: PrivateIndex | None = None) -> Iterator[SourceOutcome]:
        """Build every source of the workspace (or those whose id is in `only`), yielding one outcome each;
        each is checked against the private values of every source of the workspace (`private`, if the caller
        keeps them indexed)."""
        wanted = set(only) if only is not None else None
        if private is None and workspace.config is not None:
            private = PrivateIndex.of_sources(workspace.sources, self.catalog)
        for entry in workspace.sources:
            source_id = entry.source.id if entry.source else None
            if wanted is not None and source_id not in wanted:
                continue
            if workspace.config is None:
                yield SourceFailure(entry.file, source_id, tuple(workspace.problems))
            else:
                yield self.build_source(workspace.config, entry, private)

    def build_source(self, config: WorkspaceFile, entry: SourceConfig,
                     private: PrivateIndex | None = None) -> SourceOutcome:
        """Build one source, or explain why it cannot be built; never raises.

        The build publishes no value of `private` (by default: the private values of this source alone)."""
        return self.check_private(self.render_source(config, entry), entry, private)

    def render_source(self, config: WorkspaceFile, entry: SourceConfig) -> SourceOutcome:
        """Build one source without the private-value check (callers apply `check_private`); never raises."""
        source = entry.source
        if source is None or entry.problems:
            return SourceFailure(entry.file, source.id if source else None, tuple(entry.problems))
        try:
            return self._render(config, entry, source)
        except Exception as exc:  # whatever breaks one source fails that source alone
            return _crash_failure(entry, exc)

    def check_private(self, outcome: SourceOutcome, entry: SourceConfig,
                      private: PrivateIndex | None = None) -> SourceOutcome:
        """Fail a build whose settings would publish a value of `private` (default: this source's own)."""
        source = entry.source
        if not isinstance(outcome, SourceBuild) or not outcome.objects or source is None:
            return outcome
        try:
            if private is None:
                private = PrivateIndex.of_sources([entry], self.catalog)
            leaked = private.leaked(source, self.catalog)
            if not leaked:
                return outcome
            settings = json.loads(outcome.objects[0].body)
            problems = _private_leaks(source, self.catalog, settings, leaked, private, outcome)
        except Exception as exc:  # the check itself must never take the other sources down
            return _crash_failure(entry, exc)
        return SourceFailure(entry.file, source.id, tuple(problems))

    def _render(self, config: WorkspaceFile, entry: SourceConfig, source: SourceFile) -> SourceOutcome:
        # The rules are pure: a source the loader checked against this very catalog and limits needs no second
        # pass; anything else (a source built by the admin API, a worker, a test) is checked here.
        checked = entry.rules_checked == (self.catalog.token, config.limits)
        violations = [] if checked else check_source(source, self.catalog, config.limits)
        if violations:
            return SourceFailure(entry.file, source.id, tuple(
                Problem(code=v.code, message=v.message, file=entry.file, path=format_path(v.path),
                        expected=v.expected, got=v.got) for v in violations))
        try:
            objects = self._objects(config, source) if source.enabled else ()
        except CatalogError as exc:
            return SourceFailure(entry.file, source.id, (Problem(code="C-adapter", file=entry.file, message=str(exc)),))
        return SourceBuild(source_id=source.id, write_key=source.write_key, file=entry.file, objects=objects,
                           build_id=_build_id(objects))

    def plugin(self, destination_name: str) -> PluginFile:
        """Return the remote plugin file of a device-capable destination (built once)."""
        with self._lock:
            plugin = self._plugins.get(destination_name)
        if plugin is None:
            destination = self.catalog.get(destination_name)
            assert destination is not None
            plugin = render_plugin(destination, self.assets)
            with self._lock:
                self._plugins[destination_name] = plugin
        return plugin

    def plugin_object(self, plugin: PluginFile) -> BuiltObject:
        """Return the served object of a plugin file: one per builder, so its bytes are hashed once."""
        obj = self._plugin_objects.get(plugin.key)
        if obj is None or obj.body is not plugin.body:
            obj = BuiltObject(plugin.key, plugin.body, JS_TYPE, immutable=True)
            with self._lock:
                self._plugin_objects[plugin.key] = obj
        return obj

    def _objects(self, config: WorkspaceFile, source: SourceFile) -> tuple[BuiltObject, ...]:
        """Return every object the source serves, the settings JSON first."""
        device = device_instances(source, self.catalog)
        plugins = {d.name: self.plugin(d.name) for _, d in device} if source.type == "web" else {}
        settings_json = script_json(render_settings(config, source, self.catalog, plugins))
        objects = [BuiltObject(settings_key(source.write_key), (settings_json + "\n").encode(), JSON_TYPE)]
        if source.type == "web":
            code = [self.assets.adapter(d) for _, d in device]
            objects.append(BuiltObject(bundle_key(source.write_key), render_bundle(settings_json, code, self.assets),
                                       JS_TYPE))
            objects.extend(self.plugin_object(p) for p in sorted(plugins.values(), key=lambda p: p.key))
        return tuple(objects)


def _build_id(objects: tuple[BuiltObject, ...]) -> str:
    """Derive a build id from the content: the same config always gives the same id."""
    digest = hashlib.sha256()
    for obj in objects:
        digest.update(f"{obj.key}\0{obj.sha256}\n".encode())
    return digest.hexdigest()[:16]


def _crash_failure(entry: SourceConfig, exc: Exception) -> SourceFailure:
    """Turn an exception raised while building one source into that source's failure (never echoing a value)."""
    log.debug("building %s raised %s", entry.file, type(exc).__name__, exc_info=exc)
    source = entry.source
    found = _unjsonable(source) if source is not None else None
    path, hint = found if found else ((), "")
    return SourceFailure(entry.file, source.id if source else None, (Problem(
        code="C-build-failed", file=entry.file, path=format_path(path),
        message=f"the source could not be built ({type(exc).__name__}{hint}); nothing of it was published and "
                "what was served before keeps being served (the traceback is logged at debug level)"),))


def _unjsonable(source: SourceFile) -> tuple[tuple[str | int, ...], str] | None:
    """Return the key path of the first setting or `integrations` value JSON cannot hold, and what it is."""
    for index, instance in enumerate(source.destinations):
        found = _unjsonable_value(instance.settings, ("destinations", index, "settings"))
        if found:
            return found
    return _unjsonable_value(source.integrations, ("integrations",))


def _unjsonable_value(value: Any, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str] | None:
    """Return the key path of the first part of `value` JSON cannot hold (or UTF-8 cannot encode), and what it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return path, f": a key of type {type(key).__name__}, and JSON keys are strings"
            found = _unjsonable_value(item, (*path, key))
            if found:
                return found
        return None
    if isinstance(value, list):
        return next(filter(None, (_unjsonable_value(v, (*path, i)) for i, v in enumerate(value))), None)
    if isinstance(value, float) and not math.isfinite(value):
        return path, ": a number that is not finite (.nan or .inf), which JSON cannot hold"
    if isinstance(value, str):
        if any("\ud800" <= c <= "\udfff" for c in value):
            return path, ": a string with an unpaired surrogate (\\uD800-\\uDFFF), which UTF-8 cannot encode"
        return None
    if value is None or isinstance(value, bool | int | float):
        return None
    return path, f": a value of type {type(value).__name__}, which JSON cannot hold; quote it to make it a string"


def _private_leaks(source: SourceFile, catalog: Catalog, settings: Any, leaked: set[str], private: PrivateIndex,
                   build: SourceBuild) -> list[Problem]:
    """Describe each private value the source would publish: where in its settings, and whose setting it is."""
    problems = []
    where = build.objects[0].key
    for value in sorted(leaked, key=lambda v: min((o.file, o.path) for o in private.origins(v))):
        found = list(dict.fromkeys(locations(settings, value)))
        origin = min(private.origins(value), key=lambda o: (o.file != build.file, o.file, o.path))
        at = ", ".join(format_path(p) for p in found[:3]) or "its settings"
        problems.append(Problem(
            code="R10-private-leak", file=build.file, path=_source_path(source, catalog, found),
            message=f"{_describe(origin, build.file)} would appear in {where} at {at}; private settings never "
                    "leave the server, so this source was not built (is the same value also set as a public "
                    "setting?)"))
    return problems


def _describe(origin: PrivateOrigin, file: str) -> str:
    """Name a private setting, with its source unless it is the publishing source's own."""
    text = f"the private setting '{origin.key}' of {origin.instance}"
    return text if origin.file == file else f"{text} on source '{origin.source_id}' ({origin.file} {origin.path})"


def _source_path(source: SourceFile, catalog: Catalog, found: list[tuple[str | int, ...]]) -> str:
    """Return the source-file key path of the first published location that comes from a configured setting."""
    device = device_instances(source, catalog)  # in the order of `remotePlugins`
    by_name = {destination.name: instance for instance, destination in device}
    for path in found:
        instance, rest = None, ()
        if path[:1] == ("integrations",) and len(path) > 2 and path[1] in by_name:
            instance, rest = by_name[str(path[1])], path[2:]
        elif (path[:1] == ("remotePlugins",) and len(path) > 3 and path[2] == "settings"
              and isinstance(path[1], int) and path[1] < len(device)):
            instance, rest = device[path[1]][0], path[3:]
        elif path[:2] == ("bundlesmith", "defaultIntegrations") and len(path) > 2:
            return format_path(("integrations", *path[2:]))
        if instance is not None and rest[0] in instance.settings:
            position = next(n for n, i in enumerate(source.destinations) if i is instance)
            return format_path(("destinations", position, "settings", *rest))
    return ""
