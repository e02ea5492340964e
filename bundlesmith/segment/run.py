"""The import and compare programs over a workspace directory: read, decide (pure modules), then write or build.

    result = import_settings(Path("ws"), "settings.json", SourceOptions("storefront", "Storefront"))
    result.path, result.items, result.missing            # written file, report, settings left to fill in
    found = compare_settings(Path("ws"), "storefront", "settings.json")   # [] when equivalent

Nothing is written when anything fails: every check (input bounds, parsing, catalog types, the rules, the read-back
of the YAML) runs before the one atomic write. An existing source file is replaced only with `force`.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from builder.assets import Assets
from builder.build import Builder, SourceBuild, settings_key
from builder.catalog import Catalog, load_catalog
from builder.errors import ConfigError, UsageError
from builder.models import WorkspaceFile
from builder.workspace import SOURCES_DIR, Workspace, load_workspace
from bundlesmith.segment.compare import Difference, differences
from bundlesmith.segment.export import parse_export
from bundlesmith.segment.fetch import FetchLimits, ImportInputError, read_input
from bundlesmith.segment.strict_json import parse_json
from bundlesmith.segment.report import Item
from bundlesmith.segment.settings_json import SegmentSettings, parse_settings
from bundlesmith.segment.to_source import ImportedSource, SourceOptions, source_yaml, to_source
from publish.atomic_file import atomic_write

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """One source written by an import."""

    path: Path
    source_id: str
    device: int
    cloud: int
    items: tuple[Item, ...]
    missing: tuple[tuple[str, str], ...]


def read_settings(location: str, limits: FetchLimits = FetchLimits()) -> SegmentSettings:
    """Read and parse a Segment settings JSON from a file or URL."""
    return parse_settings(parse_json(read_input(location, limits), location), location)


def import_settings(workspace: Path, location: str, options: SourceOptions, force: bool = False,
                    limits: FetchLimits = FetchLimits()) -> ImportResult:
    """Import one source's settings JSON into `workspace/sources/<id>.yaml`."""
    catalog, loaded, config = _open(workspace)
    parsed = read_settings(location, limits)
    if not options.source_id:  # neither --source-id nor --name: named after the write key
        source_id = "segment-" + re.sub(r"[^a-z0-9]", "", parsed.write_key.lower())[:12]
        options = replace(options, source_id=source_id, name=options.name or source_id)
    imported = to_source(parsed, catalog, options)
    imported.items.extend(collector_items(parsed, config))
    return write_source(workspace, loaded, catalog, config, imported, force, f"imported from {location}")


def import_export(workspace: Path, location: str, source_type: str, skip_incomplete_cloud: bool = False,
                  force: bool = False, limits: FetchLimits = FetchLimits()) -> list[ImportResult]:
    """Import every source of a Public API export into `workspace/sources/`; all are checked before any is written."""
    catalog, loaded, config = _open(workspace)
    document = parse_json(read_input(location, limits), location)
    device_only = frozenset(d.name for d in catalog.destinations if d.device_only)
    imported = []
    for source, parsed in parse_export(document, location, device_only):
        options = SourceOptions(source_id=_safe_id(source.slug), name=source.name,
                                type=source_type, skip_incomplete_cloud=skip_incomplete_cloud)  # type: ignore[arg-type]
        imported.append(to_source(parsed, catalog, options))
    ids = [i.document["id"] for i in imported]
    if len(set(ids)) != len(ids):
        raise ImportInputError(f"{location}: two sources give the same source id; nothing was written")
    for one in imported:  # every check before the first write
        _check_before_write(workspace, loaded, catalog, config, one, force)
    return [write_source(workspace, loaded, catalog, config, one, force, f"imported from {location}")
            for one in imported]


def _safe_id(slug: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-_")[:100] or "source"


def _check_before_write(workspace: Path, loaded: Workspace, catalog: Catalog, config: WorkspaceFile,
                        imported: ImportedSource, force: bool) -> None:
    path = workspace / SOURCES_DIR / f"{imported.document['id']}.yaml"
    if path.exists() and not force:
        raise ImportInputError(f"{path} exists; pass --force to replace it (nothing was written)")
    _check_clashes(loaded, path, imported.document["id"], imported.document["write_key"])
    source_yaml(imported, catalog, config.limits, str(path))


def collector_items(parsed: SegmentSettings, config: WorkspaceFile) -> list[Item]:
    """Report a collector host or protocol that differs from the workspace's (which applies to every source)."""
    items = []
    if parsed.api_host and parsed.api_host.rstrip("/") != config.collector.api_host:
        items.append(Item("collector", "integrations.Segment.io.apiHost",
                          f"Segment's browsers send this source's events to {parsed.api_host}; bundlesmith's send "
                          f"them to the workspace's collector.api_host {config.collector.api_host} (workspace.yaml, "
                          "shared by every source: not changed by an import)"))
    if parsed.protocol and parsed.protocol != config.collector.protocol:
        items.append(Item("collector", "integrations.Segment.io.protocol",
                          f"Segment uses {parsed.protocol}; the workspace's collector.protocol is "
                          f"{config.collector.protocol}"))
    return items


def write_source(workspace: Path, loaded: Workspace, catalog: Catalog, config: WorkspaceFile,
                 imported: ImportedSource, force: bool, origin: str) -> ImportResult:
    """Check and write one imported source file; refuse to replace a file (or clash with a source) unless forced."""
    source_id = imported.document["id"]
    path = workspace / SOURCES_DIR / f"{source_id}.yaml"
    display = str(path)
    if path.exists() and not force:
        raise ImportInputError(f"{display} exists; pass --force to replace it (nothing was written)")
    _check_clashes(loaded, path, source_id, imported.document["write_key"])
    header = (f"# {imported.document['name']}: {origin} by `bundlesmith import segment`.\n"
              "# What the import could not represent is in its report; fill in the settings `bundlesmith validate`"
              " names.\n")
    text = source_yaml(imported, catalog, config.limits, display, header)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(str(path), text.encode("utf-8"), durable=True)
    log.info("wrote %s", path)
    modes = [i["mode"] for i in imported.document["destinations"]]
    return ImportResult(path=path, source_id=source_id, device=modes.count("device"), cloud=modes.count("cloud"),
                        items=tuple(imported.items), missing=tuple(imported.missing))


def _open(workspace: Path) -> tuple[Catalog, Workspace, WorkspaceFile]:
    catalog = load_catalog()
    loaded = load_workspace(workspace, catalog)
    return catalog, loaded, loaded.valid_config()


def _check_clashes(loaded: Workspace, path: Path, source_id: str, write_key: str) -> None:
    for entry in loaded.sources:
        if entry.source is None or Path(entry.file).resolve() == path.resolve():
            continue
        if entry.source.id == source_id:
            raise ImportInputError(f"{entry.file} already holds the source '{source_id}'; choose another "
                                   "--source-id (nothing was written)")
        if entry.source.write_key == write_key:
            raise ImportInputError(f"{entry.file} (source '{entry.source.id}') already uses this write key; "
                                   "nothing was written")


def compare_settings(workspace: Path, source_id: str, location: str,
                     limits: FetchLimits = FetchLimits()) -> list[Difference]:
    """Return the differences between what bundlesmith would serve for a source and Segment's settings JSON."""
    catalog, loaded, config = _open(workspace)
    entry = loaded.find(source_id)
    if entry is None:
        raise UsageError(f"no source with id '{source_id}' in {workspace}")
    if entry.problems:
        raise ConfigError(entry.problems)
    theirs = read_settings(location, limits)
    outcome = Builder(catalog, Assets.load()).build_source(config, entry)  # in memory: nothing is published
    if not isinstance(outcome, SourceBuild):
        raise ConfigError(outcome.problems)
    key = settings_key(outcome.write_key)
    body = next((o.body for o in outcome.objects if o.key == key), None)
    if body is None:
        raise UsageError(f"source '{source_id}' is disabled: bundlesmith serves nothing for it")
    ours = parse_settings(json.loads(body), f"bundlesmith's settings of '{source_id}'")
    return differences(theirs, ours, catalog)
