"""`bundlesmith serve`: watch a workspace, rebuild what a change affects, publish it, and answer the admin API.

The service (`service.py`) composes the build loop, the live workspace, the status board, webhooks and the admin
API; `connections.py` edits instance files for the API. Independent of `preview/` and `workers/` (import-linter).
"""
from __future__ import annotations
