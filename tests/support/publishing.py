"""Build a workspace into outcomes and publish them to an S3Store, as `bundlesmith publish` does."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from builder.assets import Assets
from builder.build import Builder, SourceOutcome
from builder.catalog import load_catalog
from builder.workspace import load_workspace
from publish.publisher import Publisher
from publish.s3 import S3Store
from tests.conftest import SAMPLES


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def copy_acme(tmp_path: Path) -> Path:
    """Return a private copy of samples/acme that a test may edit."""
    root = tmp_path / "acme"
    shutil.copytree(SAMPLES / "acme", root)
    return root


def build(root: Path) -> tuple[Any, list[SourceOutcome]]:
    """Return the workspace config and every source's outcome."""
    catalog = load_catalog()
    loaded = load_workspace(root, catalog)
    assert loaded.config is not None, loaded.problems
    return loaded.config, list(Builder(catalog, Assets.load()).build_all(loaded))


def publisher_for(config: Any, client: Any, bucket: str, prefix: str = "site", clock: Clock | None = None,
                  **kwargs: Any) -> Publisher:
    """Return a Publisher to bucket/prefix that never really sleeps."""
    sleeps = kwargs.pop("sleeps", [])
    store = S3Store(client, bucket, prefix, sleep=sleeps.append)
    return Publisher(store, config.cache, config.retention, clock=clock or Clock(), **kwargs)


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file."""
    text = path.read_text()
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new))
