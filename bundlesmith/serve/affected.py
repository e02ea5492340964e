"""Which sources a set of changed files affects: the service rebuilds exactly those (pure).

    uses = {"sources/shop.yaml": SourceUse("shop", web=True, adapters=frozenset({"mixpanel"}))}
    affected(["/ws/sources/shop.yaml"], root=Path("/ws"), uses=uses)    # Affected(files={"sources/shop.yaml"})
    affected(["/ws/workspace.yaml"], root=Path("/ws"), uses=uses)       # Affected(workspace=True, files=every file)

    a source file                      -> that file (a deleted one: its source is gone and is unpublished)
    workspace.yaml                     -> every source file, after reloading workspace.yaml
    destination_snippets/catalog.yaml  -> every source file, after reloading the catalog
    destination_snippets/<slug>.js     -> the web sources with a device-mode instance of that destination
    templates/bundle.js.j2, runtime.js -> every web source; remote_plugin.js.j2 -> web sources with a device instance
    a folder under sources/            -> the files under it, and a rescan for files that appeared in it
    anything else (stubs, preview and snippet templates, a README) -> nothing: no published byte depends on it

Files are named relative to the workspace root in POSIX form (`sources/shop.yaml`), the keys of `uses`.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.workspace import SOURCE_SUFFIXES, SOURCES_DIR, WORKSPACE_FILE

CATALOG_FILE = "catalog.yaml"
WEB_TEMPLATES = frozenset({"bundle.js.j2", "runtime.js"})
PLUGIN_TEMPLATES = frozenset({"remote_plugin.js.j2"})


@dataclass(frozen=True)
class SourceUse:
    """What one source file's build depends on, besides the file itself and workspace.yaml."""

    source_id: str | None
    web: bool = False
    adapters: frozenset[str] = frozenset()  # slugs of the device-mode destinations a web source bundles


@dataclass(frozen=True)
class Affected:
    """What to reload and which source files to build again; `|` merges two (the build loop's dirty set)."""

    files: frozenset[str] = frozenset()
    workspace: bool = False   # reload workspace.yaml first
    assets: bool = False      # reload the catalog, templates and adapters first
    rescan: bool = False      # list sources/ again: files may have appeared
    reasons: tuple[str, ...] = field(default=(), compare=False)

    def __or__(self, other: "Affected") -> "Affected":
        return Affected(self.files | other.files, self.workspace or other.workspace, self.assets or other.assets,
                        self.rescan or other.rescan, (self.reasons + other.reasons)[-20:])

    def __bool__(self) -> bool:
        return bool(self.files or self.workspace or self.assets or self.rescan)


def affected(paths: Iterable[str], *, root: Path, uses: Mapping[str, SourceUse], templates: Path | None = None,
             snippets: Path | None = None) -> Affected:
    """Return what the changed `paths` (absolute, or relative to the working directory) affect."""
    result = Affected()
    for path in paths:
        result = result | _one(os.path.abspath(path), root, uses, templates, snippets)
    return result


def _one(path: str, root: Path, uses: Mapping[str, SourceUse], templates: Path | None,
         snippets: Path | None) -> Affected:
    if snippets is not None and _inside(path, snippets):
        name = _relative(path, snippets)
        if name == CATALOG_FILE:
            return Affected(frozenset(uses), assets=True, reasons=(name,))
        if "/" not in name and name.endswith(".js"):
            slug = name[:-3]
            return Affected(frozenset(f for f, u in uses.items() if u.web and slug in u.adapters), assets=True,
                            reasons=(name,))
        return Affected()
    if templates is not None and _inside(path, templates):
        name = _relative(path, templates)
        if name in WEB_TEMPLATES:
            return Affected(frozenset(f for f, u in uses.items() if u.web), assets=True, reasons=(name,))
        if name in PLUGIN_TEMPLATES:
            return Affected(frozenset(f for f, u in uses.items() if u.web and u.adapters), assets=True,
                            reasons=(name,))
        return Affected()
    if not _inside(path, root):
        return Affected()
    name = _relative(path, root)
    if name == WORKSPACE_FILE:
        return Affected(frozenset(uses), workspace=True, reasons=(name,))
    if not name.startswith(SOURCES_DIR + "/") and name != SOURCES_DIR:
        return Affected()
    if any(part.startswith(".") for part in name.split("/")):
        return Affected()  # hidden files and folders are never source files (`source_paths` skips them)
    if name.endswith(SOURCE_SUFFIXES):
        return Affected(frozenset({name}), reasons=(name,))
    prefix = name.rstrip("/") + "/"  # a folder: created, deleted or renamed with whatever it holds
    return Affected(frozenset(f for f in uses if f.startswith(prefix)), rescan=True, reasons=(name,))


def _inside(path: str, folder: Path) -> bool:
    base = os.path.abspath(folder)
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _relative(path: str, folder: Path) -> str:
    return Path(os.path.relpath(path, os.path.abspath(folder))).as_posix()
