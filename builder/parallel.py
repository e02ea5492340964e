"""Use every core on large workspaces: load and build sources in forked worker processes, results in order.

    workspace = load_workspace_parallel(root, catalog, jobs=2)       # same result as load_workspace()
    for outcome in build_parallel(builder, workspace, jobs=2): ...   # same outcomes as builder.build_all()

Workers are forked, so they inherit the catalog, the assets and the loaded workspace instead of receiving them;
only source file paths go out and SourceConfig/SourceOutcome objects come back. At most a few chunks are in
flight, so a slow consumer (the writer) bounds the memory held by finished builds. The private values of every
source are indexed once, before forking, so each build is checked against the whole workspace's; a source whose
build raises fails alone (`Builder.build_source` never raises).
"""
from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.build import Builder, SourceFailure, SourceOutcome
from builder.catalog import Catalog
from builder.models import LimitsConfig
from builder.private_values import PrivateIndex, private_values
from builder.workspace import (Progress, SourceConfig, Workspace, load_source_file, load_workspace_file,
                               mark_clashes, paused_gc, source_paths)

CHUNK = 64
_inherited: dict[str, Any] = {}  # set just before forking; read by the workers


def load_workspace_parallel(root: Path, catalog: Catalog, jobs: int, progress: Progress | None = None) -> Workspace:
    """Load a workspace like `load_workspace`, parsing and validating source files in `jobs` processes."""
    config, problems = load_workspace_file(root)
    limits = config.limits if config else LimitsConfig()
    with paused_gc():  # the parent holds every source: a collection would walk all of them, again and again
        sources = load_sources_parallel(root, source_paths(root), catalog, limits, jobs, progress, None)
        mark_clashes(sources)
        # Every loaded source arrived while the collector was paused: left young, its first collections would walk
        # them all three times over (0.3-0.5 s at 10,000 sources) for nothing (they hold no cycles).
        gc.freeze()
    return Workspace(root=root, config=config, problems=problems, sources=sources)


def load_sources_parallel(root: Path, paths: list[Path], catalog: Catalog, limits: LimitsConfig, jobs: int,
                          progress: Progress | None = None, facts: Callable[[SourceConfig], Any] | None = None
                          ) -> list[SourceConfig]:
    """Load some source files like `builder.workspace.load_sources`, in `jobs` processes (`facts` runs there)."""
    _inherited.update(root=root, catalog=catalog, limits=limits, facts=facts)
    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    sources: list[SourceConfig] = []
    with paused_gc():
        for chunk in _ordered(_load_chunk, chunks, jobs):
            sources.extend(chunk)
            if progress is not None:
                progress(len(sources), len(paths))
    return sources


def build_parallel(builder: Builder, workspace: Workspace, jobs: int, only: Iterable[str] | None = None,
                   after: Callable[[SourceOutcome], Any] | None = None) -> Iterator[Any]:
    """Yield the same outcomes as `builder.build_all`, built in `jobs` processes.

    With `after`, each worker passes every outcome through it and the caller receives what it returns instead:
    a publisher writes each source where it was built, and only a small summary crosses processes.
    """
    wanted = set(only) if only is not None else None
    entries = [e for e in workspace.sources
               if wanted is None or (e.source is not None and e.source.id in wanted)]
    if workspace.config is None:
        for entry in entries:
            yield SourceFailure(entry.file, entry.source.id if entry.source else None, tuple(workspace.problems))
        return
    private = PrivateIndex.of_sources(workspace.sources, builder.catalog)  # every source's, not only the wanted
    _inherited.update(builder=builder, config=workspace.config, entries=entries, after=after or _same,
                      private=private)
    ranges = [(i, min(i + CHUNK, len(entries))) for i in range(0, len(entries), CHUNK)]
    for chunk in _ordered(_build_chunk, ranges, jobs):
        yield from chunk


def _ordered(work: Any, tasks: Sequence[Any], jobs: int) -> Iterator[Any]:
    """Run `work` over `tasks` in a fork pool, yielding results in task order with a bounded window."""
    if not tasks:
        return
    context = multiprocessing.get_context("fork")
    # What the workers inherit (the loaded workspace, the catalog, the assets) lives as long as they do: freezing
    # it keeps their garbage collector from walking it again and again, and from copying its pages on write.
    gc.freeze()
    try:
        yield from _run_pool(context, work, tasks, jobs)
    finally:
        gc.unfreeze()


def _run_pool(context: Any, work: Any, tasks: Sequence[Any], jobs: int) -> Iterator[Any]:
    with context.Pool(processes=jobs) as pool:
        window: deque[Any] = deque()
        for task in tasks:
            window.append(pool.apply_async(work, (task,)))
            if len(window) >= 2 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()


def _load_chunk(paths: list[Path]) -> list[SourceConfig]:
    root, catalog, limits, private_keys = _inherited["root"], _inherited["catalog"], _inherited["limits"], {}
    loaded = [load_source_file(root, p, catalog, limits) for p in paths]
    for entry in loaded:  # found here, in parallel, rather than by the parent while it indexes them all
        entry.private = catalog.token, private_values(entry.file, entry.source, catalog, private_keys)
    facts = _inherited.get("facts")
    for entry in loaded if facts is not None else ():
        entry.facts = facts(entry)
    return loaded


def _build_chunk(bounds: tuple[int, int]) -> list[Any]:
    builder, config, entries, after, private = (_inherited[k] for k in ("builder", "config", "entries", "after",
                                                                         "private"))
    return [after(builder.build_source(config, entries[i], private)) for i in range(*bounds)]


def _same(outcome: SourceOutcome) -> SourceOutcome:
    return outcome
