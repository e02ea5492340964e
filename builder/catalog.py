"""The destination catalog: what each destination is, which modes it supports, and its settings schema.

    catalog = load_catalog()                 # destination_snippets/catalog.yaml
    mixpanel = catalog.get("Mixpanel")
    mixpanel.public_settings({"token": "t", "apiSecret": "s"})   # -> {"token": "t", ...defaults}; never the secret

A setting is either public (safe for a browser) or private (stays server-side). Only public settings ever reach
a published file; that decision is made here, in `Destination.public_settings`, and nowhere else.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from builder import resources
from builder.errors import CatalogError
from builder.yaml_loader import load_yaml_text

SettingType = Literal["string", "boolean", "number", "integer", "array", "object"]
Mode = Literal["cloud", "device"]

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "array": (list,),
    "object": (dict,),
}


class SettingSpec(BaseModel):
    """The schema of one destination setting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: SettingType
    required: bool = False
    default: Any = None
    private: bool
    description: str = ""
    renamed_from: tuple[str, ...] = ()  # older keys of this setting: validation names this key when it meets one

    def accepts(self, value: Any) -> bool:
        """Tell whether `value` has this setting's type (booleans are not numbers)."""
        if isinstance(value, bool) and self.type != "boolean":
            return False
        return isinstance(value, _PY_TYPES[self.type])


class Destination(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    modes: tuple[Mode, ...] = Field(min_length=1)
    multi_instance: bool = False
    data_lake: bool = False
    settings: dict[str, SettingSpec] = Field(default_factory=dict)

    @property
    def device_capable(self) -> bool:
        """True when the destination can run in the browser."""
        return "device" in self.modes

    @property
    def device_only(self) -> bool:
        """True when the destination works in device-mode only."""
        return tuple(self.modes) == ("device",)

    def public_settings(self, configured: dict[str, Any]) -> dict[str, Any]:
        """Return the browser-safe settings: public keys only, catalog defaults filled in, sorted."""
        public: dict[str, Any] = {}
        for key, spec in sorted(self.settings.items()):
            if spec.private:
                continue
            if key in configured:
                public[key] = configured[key]
            elif spec.default is not None:
                public[key] = spec.default
        return public

    def private_keys(self) -> frozenset[str]:
        """Return the names of the settings that must never leave the server."""
        return frozenset(key for key, spec in self.settings.items() if spec.private)


class CatalogFile(BaseModel):
    """The catalog file as validated data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    destinations: tuple[Destination, ...]

    @model_validator(mode="after")
    def _unique(self) -> "CatalogFile":
        for attr in ("name", "slug"):
            values = [getattr(d, attr) for d in self.destinations]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"duplicate destination {attr}s: {', '.join(duplicates)}")
        return self


class Catalog:
    """All destinations, looked up by display name (a plain object: lookups are on every hot path)."""

    def __init__(self, destinations: tuple[Destination, ...]):
        self.destinations = destinations
        self._index = {d.name: d for d in destinations}
        self.token = uuid.uuid4().hex  # names this loaded catalog: results checked against it can say so

    def get(self, name: str) -> Destination | None:
        """Return the destination called `name`, or None."""
        return self._index.get(name)

    def names(self) -> list[str]:
        """Return every destination name, sorted."""
        return sorted(self._index)

    def as_data(self) -> dict[str, Any]:
        """Return the catalog as JSON-ready data."""
        return CatalogFile(destinations=self.destinations).model_dump(mode="json")


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and validate the catalog file; raise CatalogError naming the file and field on bad input."""
    path = path or resources.catalog_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"cannot read the destination catalog {path}: {exc.strerror}") from exc
    doc = load_yaml_text(text, str(path))
    if not doc.ok:
        raise CatalogError("\n".join(str(p) for p in doc.problems))
    try:
        return Catalog(CatalogFile.model_validate(doc.data).destinations)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            lines.append(f"{path}:{doc.line_of(loc) or '?'}: {'.'.join(map(str, loc))}: {error['msg']}")
        raise CatalogError("the destination catalog is invalid:\n" + "\n".join(lines)) from exc
