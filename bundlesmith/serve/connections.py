"""Connection management for the admin API: edit a source file's destinations, check every rule, write atomically.

    text = edit_destinations(text, add={...})                 # pure: the new file text, the rest of it kept
    etag_of(data)                                             # '"<sha256>"' of the file's bytes
    write_if_match(path, new_bytes, if_match)                 # temp file + rename; 409 if the file changed

The file is edited with ruamel.yaml's round-trip mode, so keys, their order and the comments of every untouched
line stay as the admin wrote them; only the `destinations` list changes. The edited text is validated exactly as a
file on disk is (`builder.workspace.parse_source_text`: YAML, fields, every connection rule) before anything is
written: a violation is a 422 carrying the rule's code and sentence, and all problems in `details`. With
`If-Match`, a file whose bytes changed since that ETag was read is a 409 and nothing is written.

Private settings are write-only (`api_values`): every instance returned has them masked, and the mask sent
back for a private key keeps the stored value. What is written reads back as what was asked: strings YAML 1.1 would
read as something else are quoted, floats are written so PyYAML reads floats, and the edited instance is compared
with what the loader reads before anything is written (422 `edit-not-representable` otherwise). Everything that can
fail runs before the write; the answer is computed before it too.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.util import load_yaml_guess_indent

from builder.models import InstanceFile, Mode
from builder.workspace import parse_source_text, read_bounded
from builder.yaml_loader import load_yaml_text
from bundlesmith.serve.api_values import (MASK, MaskedWithoutValue, first_difference, mask_instance, private_keys_of,
                                redact_problems, unmask_settings, yaml_safe)
from publish.atomic_file import atomic_write

PrivateKeys = Callable[[str], "frozenset[str] | None"]


class ApiError(Exception):
    """An answer other than success: status, stable code, sentence, details."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


class InstanceChange(BaseModel):
    """The fields of an instance to change (PATCH); fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    destination: str | None = Field(None, min_length=1)
    name: str | None = Field(None, min_length=1, max_length=100)
    mode: Mode | None = None
    enabled: bool | None = None
    settings: dict[str, Any] | None = None
    consent_categories: list[str] | None = None


def etag_of(data: bytes) -> str:
    """Return the ETag of a file's bytes."""
    return '"' + hashlib.sha256(data).hexdigest() + '"'


class _Representer(RoundTripRepresenter):
    """ruamel's round-trip representer, writing floats as PyYAML (YAML 1.1) reads them: `1.0e+20`, not `1e+20`."""


def _represent_float(representer: RoundTripRepresenter, value: float) -> Any:
    text = repr(value)
    if "e" in text and "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


_Representer.add_representer(float, _represent_float)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order and flow styles of untouched nodes are kept
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def _no_private_keys(destination: str) -> frozenset[str]:
    return frozenset()


def edit_destinations(text: str, *, add: dict[str, Any] | None = None, update: tuple[str, dict[str, Any]] | None = None,
                      delete: str | None = None, private_keys: PrivateKeys = _no_private_keys) -> str:
    """Return the source file text with one instance added, updated (merged fields) or deleted."""
    _, sequence, offset = load_yaml_guess_indent(text)  # keep the file's list style: "  - key" or "- key"
    yaml = _yaml()
    yaml.indent(mapping=2, sequence=sequence or 2, offset=offset or 0)
    document = yaml.load(text)
    if not isinstance(document, dict):
        raise ApiError(409, "source-file-invalid", "the source file does not hold a mapping; fix it first")
    destinations = document.get("destinations")
    if destinations is None:
        destinations = document["destinations"] = []
    if add is not None:
        destinations.append(yaml_safe(_unmasked(add, None, private_keys)))
    elif update is not None:
        name, fields = update
        index = _index(destinations, name)
        for key, value in _unmasked(fields, destinations[index], private_keys).items():
            destinations[index][yaml_safe(key)] = yaml_safe(value)
    elif delete is not None:
        del destinations[_index(destinations, delete)]
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _unmasked(fields: dict[str, Any], stored: dict[str, Any] | None, private_keys: PrivateKeys) -> dict[str, Any]:
    """Return `fields` with MASK in private settings replaced by the stored instance's values."""
    if not isinstance(fields.get("settings"), dict):
        return fields
    destination = str(fields.get("destination") or (stored or {}).get("destination") or "")
    stored_settings = (stored or {}).get("settings")
    try:
        settings = unmask_settings(fields["settings"], stored_settings if isinstance(stored_settings, dict) else None,
                                   private_keys(destination))
    except MaskedWithoutValue as exc:
        raise ApiError(422, "setting-masked", f"settings.{exc.key}: {MASK!r} stands for the stored value of a private "
                                              "setting, and this instance has none; send the value") from exc
    return {**fields, "settings": settings}


def _index(destinations: list[Any], name: str) -> int:
    for index, instance in enumerate(destinations):
        if isinstance(instance, dict) and instance.get("name") == name:
            return index
    raise ApiError(404, "destination-not-found", f"no destination instance named '{name}' on this source")


_write_lock = threading.Lock()


def write_if_match(path: str, data: bytes, if_match: str | None, read: bytes) -> str:
    """Replace the file with `data` (temp file + rename) unless it changed since `read`; return the new ETag."""
    with _write_lock:  # one admin edit at a time in this process; the bytes are checked again under the lock
        try:
            current = open(path, "rb").read()
        except OSError as exc:
            raise ApiError(409, "source-file-gone", f"{path} cannot be read any more: {exc.strerror}") from exc
        if current != read or (if_match is not None and if_match.strip() not in (etag_of(current), "*")):
            raise ApiError(409, "edit-conflict", f"{path} changed since it was read (its ETag is now "
                                                 f"{etag_of(current)}); read it again and retry",
                           {"etag": etag_of(current)})
        atomic_write(path, data, durable=True)
    return etag_of(data)


class Connections:
    """The destination instances of the service's source files, read and edited through the rules."""

    def __init__(self, service: Any):
        self.service = service

    def read(self, source_id: str) -> tuple[list[dict[str, Any]], str]:
        """Return the instances of `source_id` as its file holds them (private settings masked), and its ETag."""
        path, data = self._read(source_id)
        text = data.decode("utf-8", "replace")
        entry = parse_source_text(text, path, self.service.live.catalog, self.service.live.limits)
        if entry.source is None:
            raise ApiError(409, "source-file-invalid", "the source file cannot be read; fix it first",
                           _problem_details(entry.problems, text, path))
        catalog, secret = self.service.live.catalog, self._is_secret
        return [mask_instance(i.model_dump(), catalog, secret) for i in entry.source.destinations], etag_of(data)

    def create(self, source_id: str, instance: InstanceFile, if_match: str | None) -> tuple[dict[str, Any], str]:
        """Connect `instance`; return it (private settings masked) and the file's new ETag."""
        body = instance.model_dump(exclude_defaults=True)
        body = {"destination": instance.destination, "name": instance.name, "mode": instance.mode, **body}
        created, etag = self._edit(source_id, if_match, body, add=body)
        assert created is not None
        return created, etag

    def update(self, source_id: str, name: str, change: Any, if_match: str | None) -> tuple[dict[str, Any], str]:
        """Change the fields of instance `name`; return it (private settings masked) and the file's new ETag."""
        fields = change.model_dump(exclude_unset=True)
        updated, etag = self._edit(source_id, if_match, {"name": name, **fields}, update=(name, fields))
        assert updated is not None
        return updated, etag

    def delete(self, source_id: str, name: str, if_match: str | None) -> str:
        """Disconnect instance `name`; return the file's new ETag."""
        return self._edit(source_id, if_match, None, delete=name)[1]

    def _is_secret(self, text: str) -> bool:
        """True when `text` is a private setting's value somewhere in the workspace (as the service last read it)."""
        return bool(self.service.live.private.origins(text))

    def _read(self, source_id: str) -> tuple[str, bytes]:
        file = self.service.live.file_of(source_id)
        if file is None:
            raise ApiError(404, "source-not-found", f"no source file defines '{source_id}'")
        path = os.path.join(str(self.service.root), file)
        try:
            data = read_bounded(path, self.service.live.limits.source_file_bytes)
        except OSError as exc:
            raise ApiError(409, "source-file-gone", f"{path} cannot be read: {exc.strerror}") from exc
        if data is None:
            raise ApiError(409, "source-file-invalid", f"{path} is larger than limits.source_file_bytes "
                                                       f"({self.service.live.limits.source_file_bytes:,} bytes); "
                                                       "shorten it first")
        return path, data

    def _edit(self, source_id: str, if_match: str | None, asked: dict[str, Any] | None,
              **change: Any) -> tuple[dict[str, Any] | None, str]:
        """Edit, validate and check the source file, compute the answer, then write: nothing fails after the write."""
        path, data = self._read(source_id)
        if if_match is not None and if_match.strip() not in (etag_of(data), "*"):
            raise ApiError(409, "edit-conflict", f"{path} changed since it was read (its ETag is now "
                                                 f"{etag_of(data)}); read it again and retry", {"etag": etag_of(data)})
        catalog = self.service.live.catalog
        text = _edited_text(path, data, change, lambda destination: private_keys_of(destination, catalog))
        entry = parse_source_text(text, path, catalog, self.service.live.limits)
        if entry.problems:
            first = sorted(entry.problems, key=lambda p: p.sort_key())[0]
            raise ApiError(422, first.code, first.message, _problem_details(entry.problems, text, path))
        if entry.source is None or entry.source.id != source_id:
            raise ApiError(409, "source-file-invalid", f"{path} no longer defines '{source_id}'")
        answer = None if asked is None else _read_back(entry.source.destinations, asked, path,
                                                      lambda found: mask_instance(found, catalog, self._is_secret))
        etag = write_if_match(path, text.encode("utf-8"), if_match, data)
        self.service.mark_file(self.service.live.relative(path), f"admin API edit of {source_id}")
        return answer, etag


def _edited_text(path: str, data: bytes, change: dict[str, Any], private_keys: PrivateKeys) -> str:
    """Return the file text with `change` applied; an unreadable file is a 409 that shows none of its content."""
    try:
        return edit_destinations(data.decode("utf-8"), private_keys=private_keys, **change)
    except ApiError:
        raise
    except Exception as exc:  # not YAML ruamel can round-trip: refuse rather than rewrite it
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ApiError(409, "source-file-invalid", f"{path} cannot be edited{where}: {type(exc).__name__}; fix the "
                                                   "file first") from exc


def _read_back(instances: list[Any], asked: dict[str, Any], path: str,
               masked: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """Return the edited instance as the loader reads it (masked), refusing values that did not read back as sent."""
    found = next((i.model_dump() for i in instances if i.name == asked.get("name")), None)
    if found is None:
        raise ApiError(409, "source-file-invalid", f"{path}: the edited instance is missing after the edit")
    differs = first_difference(asked, found)
    if differs is not None:
        raise ApiError(422, "edit-not-representable", f"{path}: {differs} would not read back from YAML as it was "
                                                      "sent; nothing was written")
    answer = masked(found)
    try:
        json.dumps(answer, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ApiError(422, "value-not-json", f"{path}: the instance holds a value JSON cannot represent; nothing "
                                              "was written") from exc
    return answer


def _problem_details(problems: list[Any], text: str, path: str) -> list[dict[str, Any]]:
    """Return the problems as dicts, with setting values described by type and length only."""
    return redact_problems([p.as_dict() for p in problems], load_yaml_text(text, path).data)
