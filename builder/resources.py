"""Locate the data directories shipped with bundlesmith: `templates/` and `destination_snippets/`.

From a checkout (or an editable install) they sit at the repository root, beside `builder/`; an installed
wheel carries them inside the package as `builder/_data/...`. Both layouts are looked up here, and nowhere else.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Return the directory `name` from the wheel layout or the checkout layout."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundlesmith's '{name}' directory is missing (looked in {_PACKAGE_DIR}); reinstall the package")


def templates_dir() -> Path:
    """Return the directory holding the bundle, runtime and snippet templates."""
    return _data_dir("templates")


def snippets_dir() -> Path:
    """Return the directory holding the destination catalog and the JavaScript adapters."""
    return _data_dir("destination_snippets")


def catalog_path() -> Path:
    """Return the path of the destination catalog."""
    return snippets_dir() / "catalog.yaml"
