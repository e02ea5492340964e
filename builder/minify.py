"""Minify JavaScript with tdewolff/minify (the `minify-go` package): whitespace, comments, and local names.

    minify_js(code)   # the same bytes for the same code, every run, every machine (same minify-go version)

Local variables, parameters and inner function names are renamed to short ones; object property names
(`this._has`, `w.mixpanel.track`, `{name: ...}`) and global names (`start`, `adapter`, `window`, vendor globals)
never are, so adapters and the runtime call what they called before. The output is ES5 (`js-version` 5: the
minifier introduces no later syntax), and `/*! ... */` licence comments are kept. It also rewrites expressions
to shorter equivalents: `true`/`false` become `!0`/`!1`, `if (a) b()` becomes `a&&b()`, and `undefined` (or
`void x`) becomes `0[0]`, which is undefined unless a page gives Object.prototype or Number.prototype a "0"
property. An expression statement with no effect (`void "marker";`) therefore does not survive as written.

Why this minifier (issue 16, point 3; measured on the runtime and the 14 adapters, docs/PERFORMANCE.md):
- minify-go: runtime 5,043 B gzipped (rjsmin: 5,820), all 15 files in 5-10 ms, a compiled Go library called
  through cffi (no Node.js), the JS minifier Hugo uses, maintained; identical bytes across runs and processes.
- calmjs.parse (pure Python, `minify_print(obfuscate=True)`): runtime 5,180 B gzipped, but about 1 s for the
  15 files, which every CLI start would pay without a disk cache.
- minify-html: its JS minifier leaves this ES5 code as it is (no name mangling; larger than rjsmin).
- esbuild-py: exposes only esbuild's JSX transform, with no minify options.

Minifying is fast, so it runs at build time; each distinct input is minified once per process (LRU cache).
The minifier's settings are process-wide in the library: they are set once, here, and calls hold a lock.
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache

import minify

logger = logging.getLogger(__name__)

JS_MEDIATYPE = "application/javascript"
MINIFY_SETTINGS = {"js-version": 5, "js-keep-var-names": False}

MinifyError = minify.MinifyError

_lock = threading.Lock()
minify.config(MINIFY_SETTINGS)


@lru_cache(maxsize=256)
def minify_js(code: str) -> str:
    """Return `code` minified, local names shortened; raise MinifyError if it is not valid JavaScript."""
    with _lock:
        out = minify.string(JS_MEDIATYPE, code).strip()
    logger.debug("minified JavaScript: %d -> %d characters", len(code), len(out))
    return out
