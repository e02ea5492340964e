"""bundlesmith's build pipeline: workspace files → config → rules → settings and bundle → build result.

The pipeline knows nothing about publishing, serving or previewing; those sit around it and call it.
"""
from __future__ import annotations

__version__ = "0.1.0"
