"""The code that goes into every build: templates, the browser runtime and the destination adapters.

    assets = Assets.load()        # reads templates/ and destination_snippets/ once
    assets.adapter(destination)   # the adapter's minified code, ready to wrap
    assets.render("bundle.js.j2", settings_json=..., ...)

Everything read from disk is cached here behind a lock, so one Assets object serves many builds (and threads).
A new Assets object picks up edited templates or adapters.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Hashable
from typing import Any

import jinja2

from builder import resources
from builder.catalog import Destination
from builder.errors import CatalogError
from builder.minify import MinifyError, minify_js

RUNTIME_FILE = "runtime.js"
_MISSING = object()


@dataclass
class Assets:
    """Templates and JavaScript sources, read and minified once."""

    templates: Path
    snippets: Path
    _env: jinja2.Environment = field(init=False, repr=False)
    _cache: dict[tuple[str, Hashable], Any] = field(default_factory=dict, init=False, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates)),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @classmethod
    def load(cls, templates: Path | None = None, snippets: Path | None = None) -> "Assets":
        """Return Assets reading from the installed (or given) directories."""
        return cls(templates=templates or resources.templates_dir(), snippets=snippets or resources.snippets_dir())

    def runtime(self) -> str:
        """Return the minified browser runtime."""
        return self.memo("runtime", RUNTIME_FILE, lambda: self._minified(self.templates / RUNTIME_FILE))

    def adapter(self, destination: Destination) -> str:
        """Return the destination's minified adapter code."""
        path = self.snippets / f"{destination.slug}.js"
        return self.memo("adapter", destination.slug, lambda: self._minified(path))

    def render(self, template: str, **values: Any) -> str:
        """Render a template; a missing value is an error, never an empty string."""
        return self._env.get_template(template).render(**values)

    def memo(self, kind: str, key: Hashable, make: Callable[[], Any], limit: int | None = None) -> Any:
        """Return what `make()` returns for (kind, key), made once per Assets; with `limit`, keep at most that
        many values of this kind (past it, `make()` runs on every call)."""
        with self._lock:
            value = self._cache.get((kind, key), _MISSING)
        if value is _MISSING:
            value = make()
            with self._lock:
                kept = self._counts.get(kind, 0)
                if (limit is None or kept < limit) and (kind, key) not in self._cache:
                    self._counts[kind] = kept + 1
                    self._cache[(kind, key)] = value
        return value

    @classmethod
    def _minified(cls, path: Path) -> str:
        try:
            return minify_js(cls._read(path))
        except MinifyError as exc:
            raise CatalogError(f"cannot minify {path}: {exc}; the file must be valid ES5 JavaScript") from exc

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogError(f"cannot read {path}: {exc.strerror}; every device-capable destination needs an "
                               "adapter file in destination_snippets/") from exc
