"""Which sources a change affects (pure): a source file, workspace.yaml, the catalog, a template, an adapter."""
from __future__ import annotations

from pathlib import Path

import pytest

from bundlesmith.serve.affected import Affected, SourceUse, affected

ROOT, TEMPLATES, SNIPPETS = Path("/ws"), Path("/pkg/templates"), Path("/pkg/destination_snippets")
USES = {
    "sources/shop.yaml": SourceUse("shop", web=True, adapters=frozenset({"mixpanel", "hotjar"})),
    "sources/blog.yaml": SourceUse("blog", web=True),
    "sources/app.yaml": SourceUse("app"),
    "sources/eu/site.yaml": SourceUse("eu-site", web=True, adapters=frozenset({"hotjar"})),
}
ALL = frozenset(USES)


def _affected(*paths: str) -> Affected:
    return affected(paths, root=ROOT, uses=USES, templates=TEMPLATES, snippets=SNIPPETS)


@pytest.mark.parametrize("path, files, flags", [
    ("/ws/sources/shop.yaml", {"sources/shop.yaml"}, {}),
    ("/ws/sources/new.yml", {"sources/new.yml"}, {}),                       # a new file: built once loaded
    ("/ws/workspace.yaml", ALL, {"workspace": True}),
    ("/pkg/destination_snippets/catalog.yaml", ALL, {"assets": True}),
    ("/pkg/destination_snippets/hotjar.js", {"sources/shop.yaml", "sources/eu/site.yaml"}, {"assets": True}),
    ("/pkg/destination_snippets/vero.js", set(), {"assets": True}),          # nobody bundles it
    ("/pkg/destination_snippets/stubs/hotjar.js", set(), {}),               # test stubs are never published
    ("/pkg/templates/bundle.js.j2", {"sources/shop.yaml", "sources/blog.yaml", "sources/eu/site.yaml"},
     {"assets": True}),
    ("/pkg/templates/remote_plugin.js.j2", {"sources/shop.yaml", "sources/eu/site.yaml"}, {"assets": True}),
    ("/pkg/templates/snippet.html.j2", set(), {}),
    ("/pkg/templates/preview/index.html.j2", set(), {}),
    ("/ws/sources/eu", {"sources/eu/site.yaml"}, {"rescan": True}),         # a folder deleted or renamed
    ("/ws/README.md", set(), {}),
    ("/ws/sources/.hidden.yaml", set(), {}),
    ("/elsewhere/sources/shop.yaml", set(), {}),
])
def test_a_change_maps_to_the_sources_that_use_it(path, files, flags):
    result = _affected(path)
    assert result.files == frozenset(files)
    assert (result.workspace, result.assets, result.rescan) == (flags.get("workspace", False),
                                                                flags.get("assets", False), flags.get("rescan", False))


def test_changes_merge_into_one_dirty_value():
    merged = _affected("/ws/sources/shop.yaml") | _affected("/ws/sources/app.yaml")
    assert merged.files == {"sources/shop.yaml", "sources/app.yaml"} and not merged.workspace
    assert not Affected() and bool(merged)
