"""Build: turn a loaded workspace into the exact objects a CDN serves, source by source.

    workspace = load_workspace(root, catalog)
    builder = Builder(catalog, Assets.load())
    for outcome in builder.build_all(workspace):        # SourceBuild or SourceFailure, one per source file
        ...

A SourceBuild holds every object of one source (settings JSON, analytics.min.js for web sources, and the
content-addressed remote plugin files they reference). A disabled source builds to no objects at all, so a
publisher removes what it served before. Rules are checked again here: nothing that breaks one is ever built.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from builder.assets import Assets
from builder.bundle import render_bundle
from builder.catalog import Catalog
from builder.errors import CatalogError
from builder.jsonsafe import script_json
from builder.models import SourceFile, WorkspaceFile
from builder.plugins import PluginFile, render_plugin
from builder.problems import Problem, format_path
from builder.rules import check_source
from builder.settings import device_instances, render_settings
from builder.workspace import SourceConfig, Workspace

JSON_TYPE = "application/json"
JS_TYPE = "text/javascript; charset=utf-8"
MIN_SECRET_LENGTH = 6  # shorter private values cannot be told apart from ordinary code


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
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def build_all(self, workspace: Workspace, only: Iterable[str] | None = None) -> Iterator[SourceOutcome]:
        """Build every source of the workspace (or those whose id is in `only`), yielding one outcome each."""
        wanted = set(only) if only is not None else None
        for entry in workspace.sources:
            source_id = entry.source.id if entry.source else None
            if wanted is not None and source_id not in wanted:
                continue
            if workspace.config is None:
                yield SourceFailure(entry.file, source_id, tuple(workspace.problems))
            else:
                yield self.build_source(workspace.config, entry)

    def build_source(self, config: WorkspaceFile, entry: SourceConfig) -> SourceOutcome:
        """Build one source, or explain why it cannot be built."""
        source = entry.source
        if source is None or entry.problems:
            return SourceFailure(entry.file, source.id if source else None, tuple(entry.problems))
        # The rules are pure: a source the loader checked against this very catalog and limits needs no second
        # pass; anything else (a source built by the admin API, a worker, a test) is checked here.
        checked = entry.rules_checked == (self.catalog.token, config.limits)
        violations = [] if checked else check_source(source, self.catalog, config.limits)
        if violations:
            return SourceFailure(entry.file, source.id, tuple(
                Problem(code=v.code, message=v.message, file=entry.file, path=format_path(v.path),
                        expected=v.expected, got=v.got) for v in violations))
        try:
            settings_json, objects = self._objects(config, source) if source.enabled else ("", ())
        except CatalogError as exc:
            return SourceFailure(entry.file, source.id, (Problem(code="C-adapter", file=entry.file, message=str(exc)),))
        leaks = _private_leaks(source, self.catalog, settings_json, objects, entry.file)
        if leaks:
            return SourceFailure(entry.file, source.id, tuple(leaks))
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

    def _objects(self, config: WorkspaceFile, source: SourceFile) -> tuple[str, tuple[BuiltObject, ...]]:
        """Return the source's settings JSON text and every object it serves."""
        device = device_instances(source, self.catalog)
        plugins = {d.name: self.plugin(d.name) for _, d in device} if source.type == "web" else {}
        settings_json = script_json(render_settings(config, source, self.catalog, plugins))
        objects = [BuiltObject(settings_key(source.write_key), (settings_json + "\n").encode(), JSON_TYPE)]
        if source.type == "web":
            code = [self.assets.adapter(d) for _, d in device]
            objects.append(BuiltObject(bundle_key(source.write_key), render_bundle(settings_json, code, self.assets),
                                       JS_TYPE))
            objects.extend(BuiltObject(p.key, p.body, JS_TYPE, immutable=True)
                           for p in sorted(plugins.values(), key=lambda p: p.key))
        return settings_json, tuple(objects)


def _build_id(objects: tuple[BuiltObject, ...]) -> str:
    """Derive a build id from the content: the same config always gives the same id."""
    digest = hashlib.sha256()
    for obj in objects:
        digest.update(f"{obj.key}\0{obj.sha256}\n".encode())
    return digest.hexdigest()[:16]


def _private_leaks(source: SourceFile, catalog: Catalog, settings_json: str, objects: tuple[BuiltObject, ...],
                   file: str) -> list[Problem]:
    """Refuse a build in which any private setting value of the source appears in what it serves.

    Config values reach served files only through the settings JSON (the bundle embeds that same text; remote
    plugin files hold no configuration), so scanning it covers every object; the object named in the message is
    the first that embeds it.
    """
    problems = []
    for index, instance in enumerate(source.destinations):
        destination = catalog.get(instance.destination)
        if destination is None:
            continue
        for key in sorted(destination.private_keys()):
            value = instance.settings.get(key)
            if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
                continue
            if value in settings_json or script_json(value)[1:-1] in settings_json:
                where = objects[0].key if objects else "the settings"
                problems.append(Problem(
                    code="R10-private-leak", file=file, path=format_path(("destinations", index, "settings", key)),
                    message=f"the private setting '{key}' of {instance.name} would appear in {where}; private "
                            "settings never leave the server, so nothing was built (is the same value also set "
                            "as a public setting?)"))
    return problems
