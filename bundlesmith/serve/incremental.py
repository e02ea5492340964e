"""The workspace held in memory by the service, reloaded file by file and built through a cache.

    live = LiveWorkspace(root)
    files = live.refresh(Affected(files=frozenset({"sources/shop.yaml"})))   # reload; return the files to build
    outcomes = live.build(files)                                              # SourceBuild / SourceFailure each
    live.keep_ids()        # the sources that exist (None while a file's source id is unknown: remove nothing)
    live.take_left()       # the source ids no file holds any more, since the last call
    live.uses()            # what each file's build depends on, for `bundlesmith.serve.affected`

A file that no longer exists leaves `entries`: its source is gone. A file that cannot be read keeps its last
known source id, so the source's published objects are kept, never removed, while the file is broken. Clashes
(two files with one id or write key) are checked for the files involved, old and new values alike.

The private values of every file are kept in a `PrivateIndex`, updated file by file as files are reloaded (a
file's values are replaced only when they changed), so each build is checked against the private values of the
whole workspace. The cache holds builds before that check, and the check runs on every build: a private value
set in another file later is never missed by a cached build.

Everything a change asks of this class costs the same at 100,000 sources as at 10: the ids that exist, the files
whose id is unknown and the files whose `uses` are stale are kept up to date by `refresh`, file by file.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, KeysView
from dataclasses import replace
from pathlib import Path

from builder.assets import Assets
from builder.build import Builder, SourceFailure, SourceOutcome
from builder.catalog import Catalog, load_catalog
from builder.models import LimitsConfig, WorkspaceFile
from builder.private_values import PrivateIndex, private_values
from builder.problems import Problem
from builder.settings import device_instances
from builder.workspace import (SourceConfig, load_workspace_file, mark_clashes, parse_source_text, read_bounded,
                               source_paths, too_large_problem)
from bundlesmith.serve.affected import Affected, SourceUse
from bundlesmith.serve.build_loop import BuildCache

BUILD_RELEVANT = {"id", "name", "cdn", "collector", "limits"}  # what of workspace.yaml reaches a source's bytes


class LiveWorkspace:
    """A workspace's config and source files as last read, and the builder over them."""

    def __init__(self, root: Path, *, catalog_loader: Callable[[], Catalog] = load_catalog,
                 assets_loader: Callable[[], Assets] = Assets.load, cache: BuildCache | None = None):
        self.root = Path(root)
        self._catalog_loader, self._assets_loader = catalog_loader, assets_loader
        self.cache = cache or BuildCache()
        self.entries: dict[str, SourceConfig] = {}
        self.ids: dict[str, str] = {}  # file -> last known source id (kept while the file is broken)
        self._digests: dict[str, str] = {}  # file -> SHA-256 of its bytes as last read
        self._uses: dict[str, SourceUse] = {}  # file -> what its build depends on (kept up to date by refresh)
        self._holders: dict[str, set[str]] = {}  # clash key (`_keys`) -> the files whose entry has it
        self._held: dict[str, int] = {}  # source id -> how many files hold it (`ids`); its keys are `keep_ids()`
        self._left: set[str] = set()  # source ids no file holds any more, since `take_left()`
        self._unknown: set[str] = set()  # files in `entries` whose source id was never known
        self._stale_uses: set[str] = set()  # files in `entries` whose `_uses` must be worked out again
        self.private = PrivateIndex()  # every file's private setting values (kept up to date by refresh)
        self.config: WorkspaceFile | None = None
        self.config_problems: list[Problem] = []
        self._config_key = ""
        self._generation = 0
        self.reload_assets()
        self.reload_workspace()

    @property
    def limits(self) -> LimitsConfig:
        """Return the connection limits in force."""
        return self.config.limits if self.config else LimitsConfig()

    def reload_assets(self) -> None:
        """Read the catalog, templates and adapters again."""
        self.catalog, self.assets = self._catalog_loader(), self._assets_loader()
        self.builder = Builder(self.catalog, self.assets)
        self._generation += 1

    def reload_workspace(self) -> None:
        """Read workspace.yaml again."""
        self.config, self.config_problems = load_workspace_file(self.root)
        self._config_key = self.config.model_dump_json(include=BUILD_RELEVANT) if self.config else ""

    def refresh(self, dirty: Affected) -> list[str]:
        """Reload what `dirty` names; return the source files (relative, sorted) to build again."""
        if dirty.assets:
            self.reload_assets()
            self._uses.clear()
            self._stale_uses.update(self.entries)
            for file, entry in self.entries.items():  # the catalog says which settings are private
                self.private.replace(file, private_values(entry.file, entry.source, self.catalog))
        if dirty.workspace:
            self.reload_workspace()
        files = set(dirty.files)
        if dirty.rescan or dirty.workspace or dirty.assets or not self.entries:
            on_disk = {self.relative(p) for p in source_paths(self.root)}
            files |= on_disk ^ set(self.entries)
        touched: set[str] = set()
        for file in files:
            old = self.entries.pop(file, None)
            self._uses.pop(file, None)
            touched |= self._unindex(file, old)
            if os.path.isfile(self.root / file):
                self.entries[file] = entry = self._load(file)
                touched |= self._index(file, entry)
                self.private.replace(file, private_values(entry.file, entry.source, self.catalog))
                if entry.source is not None:
                    self._set_id(file, entry.source.id)
                self._stale_uses.add(file)
            else:
                self._set_id(file, None)  # deleted: its source is gone
                self.private.replace(file, ())
            if file in self.entries and file not in self.ids:
                self._unknown.add(file)
            else:
                self._unknown.discard(file)
        files |= self._holding(touched)  # clash partners, old and new
        return sorted(f for f in files if f in self.entries)

    def build(self, files: Iterable[str]) -> list[SourceOutcome]:
        """Build the named files (through the cache); a file in a clash or an invalid workspace fails."""
        files = list(files)
        if self.config is None:
            return [SourceFailure(self.entries[f].file, self.ids.get(f), tuple(self.config_problems)) for f in files]
        clashes = self._clash_problems(files) if files else {}
        outcomes: list[SourceOutcome] = []
        for file in files:
            entry = self.entries[file]
            if file in clashes:
                outcomes.append(SourceFailure(entry.file, self.ids.get(file), tuple(clashes[file])))
                continue
            key = ("build", file, self._digests[file], self._config_key, self.catalog.token, self._generation)
            outcome = self.cache.get_or_make(key, lambda: self.builder.render_source(self.config, entry))
            outcome = self.builder.check_private(outcome, entry, self.private)
            if isinstance(outcome, SourceFailure) and outcome.source_id is None and self.ids.get(file):
                outcome = replace(outcome, source_id=self.ids[file])
            outcomes.append(outcome)
        return outcomes

    def keep_ids(self) -> KeysView[str] | None:
        """Return the ids of the sources that exist (a live view: read it before the next refresh); None while some
        file's source id is unknown."""
        return None if self._unknown else self._held.keys()

    def take_left(self) -> set[str]:
        """Return (and forget) the source ids that no file holds any more since the last call."""
        left, self._left = {sid for sid in self._left if sid not in self._held}, set()
        return left

    def file_of(self, source_id: str) -> str | None:
        """Return the file that defines `source_id` (relative to the root)."""
        return next((f for f, sid in self.ids.items() if sid == source_id), None)

    def uses(self) -> dict[str, SourceUse]:
        """Return what each source file's build depends on (only the files reloaded since are worked out again)."""
        for file in list(self._stale_uses):  # a watcher's thread may ask while the build loop refreshes
            self._stale_uses.discard(file)
            entry = self.entries.get(file)
            if entry is not None:
                self._uses[file] = self._use(file, entry)
        return self._uses

    def relative(self, path: Path | str) -> str:
        """Name a file relative to the root, in POSIX form."""
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))).as_posix()

    def _set_id(self, file: str, source_id: str | None) -> None:
        """Record the source id `file` holds (None: the file is gone), counting the files that hold each id."""
        old = self.ids.pop(file, None)
        if old is not None:
            self._held[old] -= 1
            if not self._held[old]:
                del self._held[old]
                self._left.add(old)
        if source_id is not None:
            self.ids[file] = source_id
            self._held[source_id] = self._held.get(source_id, 0) + 1

    def _load(self, file: str) -> SourceConfig:
        display = os.path.join(str(self.root), file)
        try:
            data = read_bounded(self.root / file, self.limits.source_file_bytes)
            if data is None:  # refused unread past the limit, like a file the CLI loads
                self._digests[file] = "too-large"
                return SourceConfig(file=display, source=None,
                                    problems=[too_large_problem(display, self.root / file, self.limits)])
            text = data.decode("utf-8", "replace")
        except OSError:
            text = ""  # gone between the listing and the read: the next event reloads it
        digest = self._digests[file] = hashlib.sha256(text.encode()).hexdigest()

        return self.cache.get_or_make(("load", file, digest, self.limits, self.catalog.token),
                                      lambda: parse_source_text(text, display, self.catalog, self.limits))

    def _clash_problems(self, files: list[str]) -> dict[str, list[Problem]]:
        """Return, for the files in a clash (two sources with one id or write key), their problems with it."""
        wanted = set().union(*(_keys(self.entries[f]) for f in files))
        group = {f: self.entries[f] for f in sorted(self._holding(wanted))}
        copies = {f: replace(e, problems=list(e.problems)) for f, e in group.items()}
        mark_clashes(copies.values())
        return {f: c.problems for f, c in copies.items() if len(c.problems) != len(group[f].problems)}

    def _index(self, file: str, entry: SourceConfig | None) -> set[str]:
        """Record which clash keys `file` now has; return them."""
        keys = _keys(entry)
        for key in keys:
            self._holders.setdefault(key, set()).add(file)
        return keys

    def _unindex(self, file: str, entry: SourceConfig | None) -> set[str]:
        """Forget the clash keys `file` had; return them."""
        keys = _keys(entry)
        for key in keys:
            holders = self._holders.get(key, set())
            holders.discard(file)
            if not holders:
                self._holders.pop(key, None)
        return keys

    def _holding(self, keys: set[str]) -> set[str]:
        """Return the files whose entry has one of `keys` (clash partners), without looking at every file."""
        return set().union(*(self._holders.get(k, ()) for k in keys))

    def _use(self, file: str, entry: SourceConfig) -> SourceUse:
        source = entry.source
        if source is None:
            return SourceUse(self.ids.get(file))
        if source.type != "web":
            return SourceUse(source.id)
        try:
            slugs = frozenset(d.slug for _, d in device_instances(source, self.catalog))
        except Exception:  # an unknown destination: the source fails to build anyway
            slugs = frozenset()
        return SourceUse(source.id, web=True, adapters=slugs)


def _keys(entry: SourceConfig | None) -> set[str]:
    """Return the values a source may clash on: its id and write key."""
    if entry is None or entry.source is None:
        return set()
    return {f"id:{entry.source.id}", f"wk:{entry.source.write_key}"}
