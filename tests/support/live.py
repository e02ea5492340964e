"""A workspace built into a directory that a live CdnServer on 127.0.0.1 serves, collector included."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from builder.assets import Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.snippet import render_snippet
from builder.workspace import load_workspace
from publish.local import LocalReport, LocalTarget
from tests.support.servers import CdnServer
from tests.support.workspaces import write_workspace


def build_into(workspace: Path, out: Path) -> LocalReport:
    """Build `workspace` into `out` as `bundlesmith build` does."""
    catalog = load_catalog()
    loaded = load_workspace(workspace, catalog)
    assert loaded.config is not None, loaded.problems
    return LocalTarget(out).apply(Builder(catalog, Assets.load()).build_all(loaded), loaded.config.cache)


@contextmanager
def live_workspace(tmp_path: Path, sources: dict[str, Any], **workspace: Any) -> Iterator[tuple[CdnServer, Path]]:
    """Serve a freshly built workspace whose CDN and collector are the same local server."""
    out = tmp_path / "out"
    out.mkdir(parents=True, exist_ok=True)
    with CdnServer(out) as cdn:
        root = write_workspace(tmp_path / "ws", sources=sources, cdn={"base_url": cdn.url},
                               collector={"api_host": cdn.url.split("://", 1)[1] + "/collect", "protocol": "http"},
                               **workspace)
        report = build_into(root, out)
        assert report.ok, report.problems()
        yield cdn, root


def test_page(cdn_url: str, write_key: str, body_script: str = "", head: str = "", title: str = "Test page",
              page: bool = True, load_options: dict[str, Any] | None = None) -> str:
    """Return an HTML page that installs the standard snippet for `write_key`, then runs `body_script`."""
    snippet = render_snippet(cdn_url, write_key, Assets.load(), page=page, load_options=load_options)
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>{head}{snippet}"
            f"<script>{body_script}</script></head><body><h1>{title}</h1></body></html>")


test_page.__test__ = False  # not a pytest test
