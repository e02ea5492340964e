"""Write throwaway workspaces for tests: `write_workspace(tmp_path, sources={...})` returns the workspace dir."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
