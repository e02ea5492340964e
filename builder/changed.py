"""Load what a build needs: the sources whose inputs changed, and the unchanged ones they may meet.

    run = load_changed(root, config, load_catalog, served, jobs=2)   # served: source id -> its markers' inputs
    run.workspace          # the loaded sources, in file order (with `reuse=False`: all of them)
    run.unchanged          # file -> facts of every source not loaded: the target serves what it would build
    run.build_all(builder) # the loaded sources built, each carrying its inputs (the target's marker records them)
    run.save(built_ids)    # record the facts of what was built and written, for the next build

Each source file is read and its bytes digested here; `builder.reuse` decides from the digests, the facts of the
last build (`builder.facts`) and what the target serves. What a build records (its inputs, its facts) comes from
the bytes its loader read, made where it was loaded (a worker process), so a file saved meanwhile is built again
next time, never taken for what was built. Without the facts (the first build, other shared
inputs, `--rebuild`) every source is loaded, exactly as `builder.workspace.load_workspace` does. A source file that
cannot be read or is past its size limit is always loaded, so its problem is reported every time.
"""
from __future__ import annotations

import logging
import functools
import gc
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.build import Builder, SourceBuild, SourceOutcome
from builder.catalog import Catalog
from builder.facts import FACTS_DIR, FactsFile, SourceFacts, facts_of
from builder.inputs import BuildInputs, adapters_of, file_digest
from builder.models import LimitsConfig, WorkspaceFile
from builder.parallel import load_sources_parallel
from builder.reuse import involved, partition, private_keys_of, values_of
from builder.workspace import (Progress, SourceConfig, Workspace, load_sources, mark_clashes, paused_gc,
                               read_bounded, source_files)

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 200  # below this many files to load, forking workers costs more than it saves


@dataclass
class ChangedRun:
    """What a build loaded, what it left unchanged, and how to record what it built."""

    workspace: Workspace
    unchanged: dict[str, SourceFacts]
    catalog_loader: Callable[[], Catalog]
    inputs: BuildInputs | None = None
    facts_file: FactsFile | None = None
    salt: str = ""
    relative: dict[str, str] = field(default_factory=dict)           # file as displayed -> relative to the root
    known: dict[str, SourceFacts] = field(default_factory=dict)      # the facts the build started from

    @property
    def catalog(self) -> Catalog:
        """Return the catalog (loaded when first needed: a build with nothing to load never reads it)."""
        return self.catalog_loader()

    def ids(self) -> set[str]:
        """Return the ids of every source present: loaded or unchanged."""
        return self.workspace.source_ids() | {fact.source_id for fact in self.unchanged.values()}

    def inputs_by_file(self) -> dict[str, str]:
        """Return the inputs of each loaded source that can be built, by its displayed file name."""
        return {entry.file: entry.facts.inputs for entry in self.workspace.sources
                if entry.ok and isinstance(entry.facts, SourceFacts)}

    def build_all(self, builder: Builder) -> Iterator[SourceOutcome]:
        """Build the loaded sources, each outcome carrying the inputs it was built from (for its marker)."""
        inputs = self.inputs_by_file()
        return (with_inputs(outcome, inputs) for outcome in builder.build_all(self.workspace))

    def save(self, built_ids: Collection[str]) -> None:
        """Record the facts of the unchanged sources and of the loaded ones built and written (`built_ids`)."""
        if self.inputs is None or self.facts_file is None:
            return
        facts = dict(self.unchanged)
        for entry in self.workspace.sources:
            if entry.ok and isinstance(entry.facts, SourceFacts) and entry.facts.source_id in built_ids:
                facts[self.relative[entry.file]] = entry.facts
        if facts != self.known:
            self.facts_file.write(self.inputs.shared, self.salt, facts)


def load_changed(root: Path, config: WorkspaceFile, catalog_loader: Callable[[], Catalog],
                 served: Mapping[str, Collection[str | None]], *, jobs: int = 1, reuse: bool = True,
                 progress: Progress | None = None) -> ChangedRun:
    """Load the changed sources of the workspace at `root` (its valid `config`) and those they may meet; see the
    module docstring (`served`: each served source id's markers' inputs; `catalog_loader`: called when needed)."""
    limits, catalog_loader = config.limits, functools.cache(catalog_loader)
    paths = dict(source_files(root))
    facts_file, inputs = FactsFile(root / FACTS_DIR), _shared_inputs(root)
    salt, known = facts_file.read(inputs.shared) if inputs is not None else ("", {})
    if inputs is not None and reuse and known:
        digests = {file: _digest(path, limits) for file, path in paths.items()}
        unchanged, changed = partition(digests, known, inputs, served)
    else:  # nothing can be reused: no need to read the files twice
        unchanged, changed = {}, list(paths)
    catalog = catalog_loader() if changed else None
    make_facts = _facts_maker(inputs, salt, catalog) if catalog is not None and inputs is not None else None
    with paused_gc():  # many small acyclic objects: collections would walk them all, again and again
        loaded = _load(root, [Path(paths[f]) for f in changed], catalog, limits, jobs, progress, make_facts)
        relative = {entry.file: file for file, entry in zip(changed, loaded)}
        also = sorted(involved(((relative[e.file], e) for e in loaded), unchanged, known, salt, catalog)
                      if catalog is not None else ())
        if also:
            more = _load(root, [Path(paths[f]) for f in also], catalog, limits, jobs, None, make_facts)
            relative.update((entry.file, file) for file, entry in zip(also, more))
            loaded += more
            for file in also:
                del unchanged[file]
        order = {file: n for n, file in enumerate(paths)}
        loaded.sort(key=lambda entry: order[relative[entry.file]])
        mark_clashes(loaded)
        gc.freeze()  # left young, the loaded sources' first collections would walk them all for nothing
    workspace = Workspace(root=root, config=config, problems=[], sources=loaded)
    return ChangedRun(workspace, unchanged, catalog_loader, inputs, facts_file, salt, relative, known)


def _facts_maker(inputs: BuildInputs, salt: str, catalog: Catalog) -> Callable[[SourceConfig], SourceFacts | None]:
    """Return what makes a loaded source's facts (run where it is loaded: a worker process, in parallel), from the
    very bytes its loader read, so that what is recorded is what was built."""
    keys = private_keys_of(catalog)

    def make(entry: SourceConfig) -> SourceFacts | None:
        source, sha = entry.source, entry.digest
        if source is None or sha is None or entry.problems:
            return None
        adapters = adapters_of(source, catalog)
        return facts_of(source, values_of(entry, catalog), sha, inputs.of_source(sha, adapters), adapters, salt,
                        keys)
    return make


def _shared_inputs(root: Path) -> BuildInputs | None:
    """Return the inputs every source shares, or None (nothing is reused or recorded) when they cannot be read."""
    try:
        return BuildInputs.read(root)
    except OSError as exc:
        log.warning("the build inputs cannot be read (%s); every source is built", exc)
        return None


def _digest(path: str, limits: LimitsConfig) -> str | None:
    """Return the digest of a source file's bytes, or None when it cannot be read within its limit."""
    try:
        data = read_bounded(path, limits.source_file_bytes)
    except OSError:
        return None
    return file_digest(data) if data is not None else None


def _load(root: Path, paths: list[Path], catalog: Catalog | None, limits: LimitsConfig, jobs: int,
          progress: Progress | None, facts: Callable[[SourceConfig], SourceFacts | None] | None
          ) -> list[SourceConfig]:
    if not paths or catalog is None:
        return []
    if jobs > 1 and len(paths) >= PARALLEL_THRESHOLD:
        return load_sources_parallel(root, paths, catalog, limits, jobs, progress, facts)
    return load_sources(root, paths, catalog, limits, progress, facts)


def with_inputs(outcome: SourceOutcome, inputs: Mapping[str, str]) -> SourceOutcome:
    """Return a build carrying the inputs it was built from (`inputs`: by file), for its marker."""
    if isinstance(outcome, SourceBuild) and outcome.file in inputs:
        return replace(outcome, inputs=inputs[outcome.file])
    return outcome
