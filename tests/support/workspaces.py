"""Write throwaway workspaces for tests: `write_workspace(tmp_path, sources={...})` returns the workspace dir."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from builder.catalog import load_catalog

BASE_WORKSPACE: dict[str, Any] = {
    "id": "test",
    "name": "Test workspace",
    "cdn": {"base_url": "https://cdn.test.example"},
    "collector": {"api_host": "api.test.example/v1"},
}


def web_source(source_id: str = "site", destinations: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    """Return a web source document with sensible defaults."""
    doc = {"id": source_id, "name": source_id.title(), "type": "web", "write_key": f"wk_{source_id}",
           "destinations": destinations or []}
    doc.update(fields)
    return doc


def write_workspace(root: Path, sources: dict[str, Any] | None = None, raw_sources: dict[str, str] | None = None,
                    **workspace: Any) -> Path:
    """Create workspace.yaml and sources/<name>.yaml files under `root` (documents or raw YAML text)."""
    root.mkdir(parents=True, exist_ok=True)
    doc = {**BASE_WORKSPACE, **workspace}
    (root / "workspace.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (root / "sources").mkdir(exist_ok=True)
    for name, source in (sources or {}).items():
        (root / "sources" / f"{name}.yaml").write_text(
            yaml.safe_dump(source, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, text in (raw_sources or {}).items():
        (root / "sources" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


MARKER = "PRIVATE-MARKER"
PUBLIC_VALUES: dict[str, Any] = {"string": "public-value", "integer": 7, "number": 1.5, "boolean": True, "array": [],
                                 "object": {}}


def marked_instances(catalog: Any, mode: str) -> list[dict[str, Any]]:
    """Return one `mode` instance of every catalog destination that has the mode, each private setting holding a
    distinct value that starts with MARKER and each required public setting a plain value of its type."""
    return [{"destination": d.name, "name": d.name, "mode": mode, "settings": _marked_settings(d)}
            for d in catalog.destinations if mode in d.modes]


def _marked_settings(destination: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, spec in destination.settings.items():
        if spec.private:
            settings[key] = f"{MARKER}-{destination.slug}-{key}-x9"
        elif spec.required:
            settings[key] = PUBLIC_VALUES[spec.type]
    return settings


def private_values(root: Path) -> set[str]:
    """Return every private setting value the workspace's source files hold (per the catalog)."""
    catalog, found = load_catalog(), set()
    for file in (root / "sources").glob("*.yaml"):
        for instance in yaml.safe_load(file.read_text()).get("destinations") or []:
            destination = catalog.get(instance["destination"])
            private = destination.private_keys() if destination else set()
            found |= {str(v) for k, v in (instance.get("settings") or {}).items() if k in private and v is not None}
    return found
