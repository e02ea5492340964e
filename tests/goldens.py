"""Regenerate the golden output of the samples: `make goldens` (or `python -m tests.goldens`).

The goldens are the exact bytes `bundlesmith build samples/<name>` writes; test_goldens.py compares against them.
Regenerate after an intended change to the runtime, adapters, templates or samples, and review the diff.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from builder.assets import Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.workspace import load_workspace
from publish.directory import BOOKKEEPING
from publish.local import LocalTarget

REPO = Path(__file__).resolve().parent.parent
GOLDENS = REPO / "tests" / "goldens"
SAMPLE_NAMES = ("acme",)
GOLDEN_TIME = 1_800_000_000.0  # the publish time recorded in the goldens' manifest


def build_sample(name: str, out: Path) -> None:
    """Build samples/<name> into `out` the way `bundlesmith build` does."""
    catalog = load_catalog()
    workspace = load_workspace(REPO / "samples" / name, catalog)
    assert workspace.config is not None and workspace.ok, workspace.all_problems()
    target = LocalTarget(out, retention=workspace.config.retention, clock=lambda: GOLDEN_TIME)  # times in the state
    target.apply(Builder(catalog, Assets.load()).build_all(workspace), workspace.config.cache)
    shutil.rmtree(out / BOOKKEEPING, ignore_errors=True)  # the store's stat cache: inode numbers and mtimes


def main() -> None:
    for name in SAMPLE_NAMES:
        target = GOLDENS / name
        shutil.rmtree(target, ignore_errors=True)
        build_sample(name, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
