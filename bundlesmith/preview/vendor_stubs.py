"""Recording stubs that answer vendor SDK URLs locally (browser tests, `bundlesmith preview --vendor-stubs`).

    stubs = VendorStubs.load()
    stubs.match("https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js")   # -> ("mixpanel", b"...stub code...")

`destination_snippets/stubs/routes.json` maps each adapter slug to the URL patterns its SDK can have; the stub
records every vendor call in `window.__bundlesmithVendorCalls` (see destination_snippets/stubs/README.md) through
`stubs/_record.js`, which is served in front of every stub.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from builder import resources

PRELUDE_FILE = "_record.js"


@dataclass(frozen=True)
class VendorStubs:
    """The stub of every adapter, with the URL patterns it answers."""

    routes: tuple[tuple[str, re.Pattern[str]], ...]
    directory: Path
    prelude: bytes  # stubs/_record.js, the recording every stub shares: served in front of each stub

    @classmethod
    def load(cls, directory: Path | None = None) -> "VendorStubs":
        """Read routes.json from the stubs directory."""
        directory = directory or resources.snippets_dir() / "stubs"
        table = json.loads((directory / "routes.json").read_text(encoding="utf-8"))
        routes = tuple((slug, re.compile(pattern)) for slug, patterns in sorted(table.items()) for pattern in patterns)
        return cls(routes=routes, directory=directory, prelude=(directory / PRELUDE_FILE).read_bytes())

    def match(self, url: str) -> tuple[str, bytes] | None:
        """Return (slug, stub code) for a vendor SDK URL, or None when no stub answers it."""
        for slug, pattern in self.routes:
            if pattern.search(url):
                return slug, self.code(slug)
        return None

    def code(self, slug: str) -> bytes | None:
        """Return the stub served for `slug` (the shared recording in front of it), or None when it has none."""
        if slug not in {s for s, _ in self.routes}:
            return None
        return self.prelude + (self.directory / f"{slug}.js").read_bytes()
