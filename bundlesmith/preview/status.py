"""What the preview shows after a build: the status its builder produces and its server and pages display.

Below both `preview.py` (which builds it) and `preview_server.py`/`preview_pages.py` (which serve it), so neither
has to import the other for these types.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

COLLECTOR_PATH = "_collect"


@dataclass(frozen=True)
class PreviewDestination:
    """A device-mode destination instance of a previewed source."""

    name: str
    destination: str
    consent_categories: tuple[str, ...]


@dataclass(frozen=True)
class PreviewSource:
    """One source as the preview serves it: what it is, its served build, and what is wrong with its file now."""

    id: str | None
    file: str
    name: str = ""
    type: str = ""
    write_key: str = ""
    enabled: bool = True
    build_id: str | None = None
    destinations: tuple[PreviewDestination, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviewStatus:
    """The state of the preview after its last build."""

    build_id: str
    build_number: int
    built_at: float
    sources: tuple[PreviewSource, ...] = ()
    problems: tuple[str, ...] = ()  # every problem of the last build, `file:line: ...`, sorted
    environments: tuple[str, ...] = ()  # the publish targets a plan can be shown for

    def source(self, source_id: str) -> PreviewSource | None:
        """Return the source with this id, or None."""
        return next((s for s in self.sources if s.id == source_id), None)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the status endpoint)."""
        return asdict(self)
