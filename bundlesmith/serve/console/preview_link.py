"""The link from a source's console page to the QA preview of that source, when a preview runs.

    finder = PreviewFinder("http://127.0.0.1:8000")     # BUNDLESMITH_PREVIEW_URL; "" turns the link off
    finder.link("storefront", "wk_storefront_2f9c")      # ".../_preview/sources/storefront/" or None

`bundlesmith preview` (default http://127.0.0.1:8000) says what it serves at `/_preview/status.json`. The console
asks it (a short timeout, no redirects, a bounded body, the answer kept for a few seconds) and links a web source
only when the preview serves a source with the same id and write key and has built it: the link never points at
another workspace's preview or at something else on that port.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

log = logging.getLogger(__name__)

PREVIEW_ENV = "BUNDLESMITH_PREVIEW_URL"
DEFAULT_PREVIEW = "http://127.0.0.1:8000"
TIMEOUT = 0.5
MAX_BYTES = 4 * 1024 * 1024
KEEP_SECONDS = 5.0


def preview_link(status: Any, base: str, source_id: str, write_key: str) -> str | None:
    """Return the inspector URL of the source in a preview's status, None when that preview does not serve it."""
    sources = status.get("sources") if isinstance(status, dict) else None
    for source in sources if isinstance(sources, list) else []:
        if (isinstance(source, dict) and source.get("id") == source_id and source.get("write_key") == write_key
                and source.get("type") == "web" and source.get("build_id")):
            return f"{base.rstrip('/')}/_preview/sources/{source_id}/"
    return None


def fetch_status(base: str) -> Any:
    """Return a preview's status JSON, None when nothing (or something else) answers."""
    try:
        with requests.get(f"{base.rstrip('/')}/_preview/status.json", timeout=TIMEOUT, allow_redirects=False,
                          stream=True) as answer:
            if answer.status_code != 200:
                return None
            body = answer.raw.read(MAX_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError):
        return None
    if len(body) > MAX_BYTES:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


class PreviewFinder:
    """A preview's status, asked for at most every KEEP_SECONDS; safe to share between threads."""

    def __init__(self, base: str, fetch: Callable[[str], Any] = fetch_status,
                 clock: Callable[[], float] = time.monotonic):
        self.base, self._fetch, self._clock = base.strip(), fetch, clock
        self._kept: tuple[float, Any] | None = None
        self._lock = threading.Lock()

    def link(self, source_id: str, write_key: str) -> str | None:
        """Return the link to the source's preview, None when no preview of it runs (or the link is off)."""
        if not self.base:
            return None
        with self._lock:
            kept = self._kept
        if kept is None or self._clock() - kept[0] > KEEP_SECONDS:
            kept = (self._clock(), self._fetch(self.base))
            with self._lock:
                self._kept = kept
        return preview_link(kept[1], self.base, source_id, write_key)
