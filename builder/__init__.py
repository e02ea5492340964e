"""bundlesmith's build pipeline: workspace files → config → rules → settings and bundle → build result.

The bottom floor of the house: it knows nothing about publishing, serving or previewing (`publish/` and
`bundlesmith/` sit above it and call it; import-linter keeps it so). `__version__` is the project's one version:
pyproject.toml reads it from here, and the bundles carry it.
"""
from __future__ import annotations

__version__ = "0.1.0"
