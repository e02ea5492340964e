"""`bundlesmith enqueue` and `bundlesmith worker`: producers snapshot the workspace and enqueue changes on SQS;
workers build and publish them under a per-source guard. Independent of `serve/` and `preview/` (import-linter).
"""
from __future__ import annotations
