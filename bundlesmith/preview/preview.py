"""QA preview: build the working (draft) config into a temporary directory and serve it, rebuilding on change.

    with open_preview(Path("samples/acme"), vendor_stubs=True) as preview:
        preview.url                  # http://127.0.0.1:8000 — index, test pages, inspector, CDN layout, collector
        preview.site.status()        # the last build: build id, sources, problems

Composition only, as `mkdocs serve` is: a temporary build directory, a builder callable (`PreviewSite.rebuild`),
a server that knows nothing but what it serves (`preview_server`), and the workspace `Watcher` that calls
the builder. Nothing is published and nothing is written into the workspace: the preview builds with the CDN
base URL and the collector host replaced (in memory) by the local server's, so the settings and bundles send
their events to the local collector. A build that fails keeps the last good files of that source serving.
"""
from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from builder.assets import Assets
from builder.build import Builder, SourceBuild, SourceOutcome
from builder.catalog import Catalog, load_catalog
from builder.errors import UsageError
from builder.models import CdnConfig, CollectorConfig, WorkspaceFile
from builder.problems import Problem
from builder.settings import device_instances
from builder.workspace import SourceConfig, load_workspace, load_workspace_file
from bundlesmith.loopback import is_loopback
from bundlesmith.preview.preview_server import PreviewServer
from bundlesmith.preview.status import COLLECTOR_PATH, PreviewDestination, PreviewSource, PreviewStatus
from bundlesmith.watch import MAX_DELAY, QUIET_PERIOD, Watcher
from publish.local import LocalTarget
from publish.report import format_plan
from publish.targets import open_target

log = logging.getLogger(__name__)


def preview_config(config: WorkspaceFile, base_url: str) -> WorkspaceFile:
    """Return the workspace config with its CDN and collector pointed at the local preview server."""
    scheme, host = base_url.rstrip("/").split("://", 1)
    return config.model_copy(update={
        "cdn": CdnConfig(base_url=base_url),
        "collector": CollectorConfig(api_host=f"{host}/{COLLECTOR_PATH}", protocol=scheme),  # type: ignore[arg-type]
    })


class PreviewSite:
    """Builds the workspace into `out` for a server at `base_url`; `rebuild` is the one builder callable."""

    def __init__(self, root: Path, out: Path, base_url: str, catalog: Catalog | None = None,
                 assets: Assets | None = None):
        self.root, self.base_url = root, base_url
        self.catalog = catalog or load_catalog()
        self._builder = Builder(self.catalog, assets or Assets.load())
        self._target = LocalTarget(out)
        self._lock = threading.Lock()
        self._status = PreviewStatus(build_id="none", build_number=0, built_at=time.time())
        self.built = threading.Condition()

    def status(self) -> PreviewStatus:
        """Return the state after the last build."""
        return self._status

    def rebuild(self, changed: Iterable[str] = ()) -> PreviewStatus:
        """Build every source again; failed sources keep serving their last good files."""
        with self._lock:
            status = self._build(self._status)
        with self.built:
            self._status = status
            self.built.notify_all()
        log.info("preview build %s (#%d): %d problems", status.build_id, status.build_number, len(status.problems))
        return status

    def wait_for(self, predicate: Callable[[PreviewStatus], bool], timeout: float = 10.0) -> PreviewStatus:
        """Wait (bounded) until the status satisfies `predicate`; return the status either way."""
        with self.built:
            self.built.wait_for(lambda: predicate(self._status), timeout=timeout)
            return self._status

    def _build(self, previous: PreviewStatus) -> PreviewStatus:
        # Gather: load every file; nothing can be built while workspace.yaml itself is invalid.
        workspace = load_workspace(self.root, self.catalog)
        number = previous.build_number + 1
        if workspace.config is None:
            return replace(previous, build_number=number, built_at=time.time(),
                           problems=_lines(workspace.all_problems()))
        # Build with the CDN and collector pointed here, then write what changed into the temporary directory.
        config = preview_config(workspace.config, self.base_url)
        outcomes = list(self._builder.build_all(replace(workspace, config=config)))
        known = {s.file: s for s in previous.sources}
        keep = {e.source.id if e.source else getattr(known.get(e.file), "id", None) for e in workspace.sources}
        self._target.apply(outcomes, config.cache, keep_only={k for k in keep if k})
        sources = tuple(self._describe(entry, outcome, known.get(entry.file))
                        for entry, outcome in zip(workspace.sources, outcomes))
        return PreviewStatus(build_id=_combined_id(sources), build_number=number, built_at=time.time(),
                             sources=sources, environments=tuple(sorted(workspace.config.targets)),
                             problems=_lines(p for o in outcomes if not isinstance(o, SourceBuild) for p in o.problems))

    def plan(self, env: str) -> str:
        """Return what publishing the draft config to `env` would change, per source (`bundlesmith plan`)."""
        workspace = load_workspace(self.root, self.catalog)
        config = workspace.valid_config()
        outcomes = list(self._builder.build_all(workspace))  # the real CDN and collector: what would be published
        return format_plan(open_target(self.root, config, env).plan(outcomes, keep_only=workspace.source_ids()))

    def _describe(self, entry: SourceConfig, outcome: SourceOutcome, before: PreviewSource | None) -> PreviewSource:
        """Describe a source as served: a built one as it is now, a failed one as its last good build."""
        problems = () if isinstance(outcome, SourceBuild) else _lines(outcome.problems)
        if not isinstance(outcome, SourceBuild) and before is not None:
            return replace(before, problems=problems)
        source = entry.source
        if source is None:
            return PreviewSource(id=None, file=entry.file, problems=problems)
        destinations = tuple(PreviewDestination(i.name, d.name, tuple(sorted(set(i.consent_categories))))
                             for i, d in device_instances(source, self.catalog))
        return PreviewSource(id=source.id, file=entry.file, name=source.name, type=source.type,
                             write_key=source.write_key, enabled=source.enabled,
                             build_id=outcome.build_id if isinstance(outcome, SourceBuild) else None,
                             destinations=destinations, problems=problems)


def _lines(problems: Iterable[Problem]) -> tuple[str, ...]:
    return tuple(str(p) for p in sorted(problems, key=Problem.sort_key))


def _combined_id(sources: Iterable[PreviewSource]) -> str:
    """Derive the preview's build id from what each source serves: the same files give the same id."""
    digest = hashlib.sha256()
    for s in sorted(sources, key=lambda s: (s.id or "", s.file)):
        digest.update(f"{s.id}\0{s.build_id}\n".encode())
    return digest.hexdigest()[:16]


class ScaledClock:
    """Modelled time for the cache simulation: `time_scale` modelled seconds pass per real second."""

    def __init__(self, time_scale: float, real: Callable[[], float] = time.monotonic):
        if time_scale <= 0:
            raise ValueError(f"the time scale must be positive, got {time_scale}")
        self.time_scale, self._real, self._start = time_scale, real, real()

    def __call__(self) -> float:
        return (self._real() - self._start) * self.time_scale


@dataclass
class Preview:
    """A running preview: its URL, the site that builds it and the server that serves it."""

    url: str
    site: PreviewSite
    server: Any
    out: Path = field(repr=False, default=Path())


def check_listen_host(host: str, expose: bool) -> None:
    """Refuse a host other machines can reach unless `expose` says so explicitly."""
    if not expose and not is_loopback(host):
        raise UsageError(f"refusing to serve the preview on {host}, which other machines can reach: its collector "
                         f"and pages are for this machine; pass --expose to listen there anyway")


@contextmanager
def open_preview(root: Path, *, host: str = "127.0.0.1", port: int = 8000, vendor_stubs: bool = False,
                 simulate_cache: bool = False, time_scale: float = 60.0, quiet: float = QUIET_PERIOD,
                 max_delay: float = MAX_DELAY, expose: bool = False) -> Iterator[Preview]:
    """Build, serve and watch the workspace at `root` until the block ends; nothing outlives it.

    A `host` other machines can reach is refused (UsageError) unless `expose` is true.
    """
    check_listen_host(host, expose)
    catalog, assets = load_catalog(), Assets.load()
    with tempfile.TemporaryDirectory(prefix="bundlesmith-preview-") as tmp:
        out = Path(tmp)
        server = PreviewServer(out, host=host, port=port, assets=assets, vendor_stubs=vendor_stubs,
                               clock=ScaledClock(time_scale) if simulate_cache else None)
        site = PreviewSite(root, out, server.url, catalog, assets)
        server.status, server.plan = site.status, site.plan
        site.rebuild()
        with server, Watcher(root, site.rebuild, quiet=quiet, max_delay=max_delay,
                             ignore_dirs=[out, *_output_dirs(root)]):
            yield Preview(url=server.url, site=site, server=server, out=out)


def _output_dirs(root: Path) -> list[Path]:
    """Return the workspace's own local target directories: `bundlesmith build` writing there is no change."""
    config, _ = load_workspace_file(root)
    folders = (target.local_dir(root) for target in (config.targets.values() if config else ()))
    return [folder for folder in folders if folder is not None]
