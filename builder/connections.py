"""Connection management for the admin API: edit a source file's destinations, check every rule, write atomically.

    text = edit_destinations(text, add={...})                 # pure: the new file text, the rest of it kept
    etag_of(data)                                             # '"<sha256>"' of the file's bytes
    write_if_match(path, new_bytes, if_match)                 # temp file + rename; 409 if the file changed

The file is edited with ruamel.yaml's round-trip mode, so keys, their order and the comments of every untouched
line stay as the admin wrote them; only the `destinations` list changes. The edited text is validated exactly as a
file on disk is (`builder.workspace.parse_source_text`: YAML, fields, every connection rule) before anything is
written: a violation is a 422 carrying the rule's code and sentence, and all problems in `details`. With
`If-Match`, a file whose bytes changed since that ETag was read is a 409 and nothing is written.
"""
from __future__ import annotations

import hashlib
import io
import os
import threading
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from builder.atomic_file import atomic_write
from builder.models import InstanceFile, Mode
from builder.workspace import parse_source_text


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


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order and flow styles of untouched nodes are kept
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def edit_destinations(text: str, *, add: dict[str, Any] | None = None, update: tuple[str, dict[str, Any]] | None = None,
                      delete: str | None = None) -> str:
    """Return the source file text with one instance added, updated (merged fields) or deleted."""
    from ruamel.yaml.util import load_yaml_guess_indent

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
        destinations.append(add)
    elif update is not None:
        name, fields = update
        index = _index(destinations, name)
        for key, value in fields.items():
            destinations[index][key] = value
    elif delete is not None:
        del destinations[_index(destinations, delete)]
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


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
        """Return the instances of `source_id` as its file holds them, and the file's ETag."""
        path, data = self._read(source_id)
        entry = parse_source_text(data.decode("utf-8", "replace"), path, self.service.live.catalog,
                                  self.service.live.limits)
        if entry.source is None:
            raise ApiError(409, "source-file-invalid", "the source file cannot be read; fix it first",
                           [p.as_dict() for p in entry.problems])
        return [i.model_dump() for i in entry.source.destinations], etag_of(data)

    def create(self, source_id: str, instance: InstanceFile, if_match: str | None) -> tuple[dict[str, Any], str]:
        """Connect `instance`; return it and the file's new ETag."""
        body = instance.model_dump(exclude_defaults=True)
        body = {"destination": instance.destination, "name": instance.name, "mode": instance.mode, **body}
        etag = self._edit(source_id, if_match, add=body)
        return instance.model_dump(), etag

    def update(self, source_id: str, name: str, change: Any, if_match: str | None) -> tuple[dict[str, Any], str]:
        """Change the fields of instance `name`; return it and the file's new ETag."""
        fields = change.model_dump(exclude_unset=True)
        etag = self._edit(source_id, if_match, update=(name, fields))
        instances, _ = self.read(source_id)
        new_name = fields.get("name", name)
        return next(i for i in instances if i["name"] == new_name), etag

    def delete(self, source_id: str, name: str, if_match: str | None) -> str:
        """Disconnect instance `name`; return the file's new ETag."""
        return self._edit(source_id, if_match, delete=name)

    def _read(self, source_id: str) -> tuple[str, bytes]:
        file = self.service.live.file_of(source_id)
        if file is None:
            raise ApiError(404, "source-not-found", f"no source file defines '{source_id}'")
        path = os.path.join(str(self.service.root), file)
        try:
            return path, open(path, "rb").read()
        except OSError as exc:
            raise ApiError(409, "source-file-gone", f"{path} cannot be read: {exc.strerror}") from exc

    def _edit(self, source_id: str, if_match: str | None, **change: Any) -> str:
        path, data = self._read(source_id)
        if if_match is not None and if_match.strip() not in (etag_of(data), "*"):
            raise ApiError(409, "edit-conflict", f"{path} changed since it was read (its ETag is now "
                                                 f"{etag_of(data)}); read it again and retry", {"etag": etag_of(data)})
        try:
            text = edit_destinations(data.decode("utf-8"), **change)
        except ApiError:
            raise
        except Exception as exc:  # not YAML ruamel can round-trip: refuse rather than rewrite it
            raise ApiError(409, "source-file-invalid", f"{path} cannot be edited: {exc}") from exc
        entry = parse_source_text(text, path, self.service.live.catalog, self.service.live.limits)
        if entry.problems:
            first = sorted(entry.problems, key=lambda p: p.sort_key())[0]
            raise ApiError(422, first.code, first.message, [p.as_dict() for p in entry.problems])
        if entry.source is None or entry.source.id != source_id:
            raise ApiError(409, "source-file-invalid", f"{path} no longer defines '{source_id}'")
        etag = write_if_match(path, text.encode("utf-8"), if_match, data)
        self.service.mark_file(self.service.live.relative(path), f"admin API edit of {source_id}")
        return etag
