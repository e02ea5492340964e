"""`bundlesmith preview`: build the draft config into a temporary directory and serve it with test pages.

`status.py` (what a build shows) sits below `preview.py` (the builder and composition), `preview_server.py` and
`preview_pages.py` (what is served), so none of them imports another in a circle. Independent of `serve/` and
`workers/` (import-linter).
"""
from __future__ import annotations
