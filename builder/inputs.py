"""What a source's build depends on, as one digest: the address of its inputs.

    inputs = BuildInputs.read(workspace_root)              # the part every source shares, read once
    inputs.of_source(file_digest(data), ("mixpanel", "hotjar"))   # -> 32 hex digits: this source's inputs

A source's inputs are its file's bytes, `workspace.yaml`'s bytes, the destination catalog, the build templates
(the runtime, the bundle and the remote plugin), the adapters of its device-mode destinations, the bundlesmith
version and the versions of the libraries that shape the output (Jinja2, the minifier). The same inputs give the
same objects byte for byte (builds are deterministic), so a source whose served build records the inputs it has
now need not be loaded, built or hashed again (`builder.reuse`). Anything else that could change a build would
have to be added here; what is not read is the rest of `templates/` (the console, the preview, the snippet).
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from builder import __version__, resources
from builder.catalog import Catalog
from builder.models import SourceFile
from builder.settings import device_instances
from builder.workspace import DIGEST_HEX, WORKSPACE_FILE, file_digest

BUILD_TEMPLATES = ("runtime.js", "bundle.js.j2", "remote_plugin.js.j2")
LIBRARIES = ("jinja2", "minify-go")


def adapters_of(source: SourceFile, catalog: Catalog) -> tuple[str, ...]:
    """Return the adapters (by slug) a source's build embeds: those of its web device-mode destinations."""
    if source.type != "web":
        return ()
    return tuple(destination.slug for _, destination in device_instances(source, catalog))


@dataclass
class BuildInputs:
    """The inputs every source of one workspace shares, and each adapter's digest, read once."""

    shared: str
    snippets: Path
    _adapters: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def read(cls, root: Path, templates: Path | None = None, snippets: Path | None = None) -> "BuildInputs":
        """Read what every source of the workspace at `root` shares; raise OSError if a file cannot be read."""
        templates = templates or resources.templates_dir()
        snippets = snippets or resources.snippets_dir()
        digest = hashlib.sha256(f"bundlesmith {__version__}\n".encode())
        for library in LIBRARIES:
            digest.update(f"{library} {_version(library)}\n".encode())
        for name, path in ((WORKSPACE_FILE, root / WORKSPACE_FILE), ("catalog.yaml", snippets / "catalog.yaml"),
                           *((name, templates / name) for name in BUILD_TEMPLATES)):
            digest.update(f"{name} {file_digest(path.read_bytes())}\n".encode())
        return cls(shared=digest.hexdigest()[:DIGEST_HEX], snippets=snippets)

    def of_source(self, file_sha: str, adapters: tuple[str, ...]) -> str:
        """Return the inputs of one source: its file's digest, the shared inputs, its adapters' digests."""
        digest = hashlib.sha256(f"{self.shared}\n{file_sha}\n".encode())
        for slug in adapters:
            digest.update(f"{slug} {self.adapter(slug)}\n".encode())
        return digest.hexdigest()[:DIGEST_HEX]

    def adapter(self, slug: str) -> str:
        """Return the digest of one adapter's source file ("-" when it cannot be read: its build fails anyway)."""
        with self._lock:
            known = self._adapters.get(slug)
        if known is None:
            try:
                known = file_digest((self.snippets / f"{slug}.js").read_bytes())
            except OSError:
                known = "-"
            with self._lock:
                self._adapters[slug] = known
        return known


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "-"
