"""Minify JavaScript with rjsmin (comments and whitespace only, so it never changes what code does)."""
from __future__ import annotations

from functools import lru_cache

import rjsmin


@lru_cache(maxsize=256)
def minify_js(code: str) -> str:
    """Return `code` without comments and needless whitespace; `/*! ... */` licence comments are kept."""
    return rjsmin.jsmin(code, keep_bang_comments=True).strip()
