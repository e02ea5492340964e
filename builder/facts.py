"""What a later build needs to know of a source it does not load again, kept in the workspace between builds.

    facts = FactsFile(workspace_root / FACTS_DIR)
    known = facts.read(shared)                     # file -> SourceFacts, {} when absent, stale or unreadable
    facts.write(shared, salt, {file: facts_of(...), ...})

A source whose inputs are unchanged is not loaded (`builder.reuse`), but the sources that are loaded are checked
against it: no two sources share an id or a write key, and no source publishes a private value of another
(`builder.private_values`). Its facts carry exactly what those checks need: its id and write key, the strings its
settings publish (public by definition), and its private values as keyed digests, never as text. A digest only
says "this source may be involved"; the source is then loaded and the exact check runs on its values. The digests
are keyed with a random salt kept in the file: they keep the values out of the file's text, and they are no
protection from someone who can read the workspace, whose source files hold the values themselves.

The file is `.bundlesmith-cache/build-facts.json` in the workspace, private to its owner (0600), beside a
`.gitignore` that keeps the folder out of version control. It is only an optimisation: when it is missing, stale
(other shared inputs) or unreadable, every source is loaded and built as if there were none.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.models import SourceFile
from builder.private_values import SUBSTRING_MIN_LENGTH, PrivateValues, published_strings

log = logging.getLogger(__name__)

FACTS_DIR = ".bundlesmith-cache"
FACTS_FILE = "build-facts.json"
FORMAT = 3
_DIGESTS = re.compile(r"(?:(?:[=^][0-9a-f]{16}|~[0-9a-f]{16}/[0-9]{1,9}) )*")  # a row's private digests, joined
SEPARATOR = "\0"  # between published strings: a filter may match across two of them, which costs a load, no more


@dataclass(frozen=True)
class SourceFacts:
    """One built source's file digest and inputs, id, write key, published strings and private-value digests."""

    sha: str
    inputs: str
    source_id: str
    write_key: str
    adapters: tuple[str, ...]   # the adapters its build embeds (their digests are part of its inputs)
    published: str              # its published strings, each between SEPARATORs
    private: tuple[str, ...]    # "=<digest>" of each value; of a long one also "^<prefix digest>", "~<prefix>/<length>"

    def as_row(self) -> list[object]:
        """Return the facts as one compact JSON row."""
        return [self.sha, self.inputs, self.source_id, self.write_key, list(self.adapters), self.published,
                list(self.private)]


def private_digest(salt: str, text: str) -> str:
    """Return the keyed digest of one private value or prefix."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8, key=salt.encode()).hexdigest()


def private_digests(salt: str, values: PrivateValues) -> tuple[str, ...]:
    """Return the digests a source's private values leave in its facts."""
    found: set[str] = set()
    for setting in values:
        value = setting[0]
        found.add("=" + private_digest(salt, value))
        if len(value) >= SUBSTRING_MIN_LENGTH:
            prefix = private_digest(salt, value[:SUBSTRING_MIN_LENGTH])
            found.update((f"^{prefix}", f"~{prefix}/{len(value)}"))
    return tuple(sorted(found))


def facts_of(source: SourceFile, values: PrivateValues, sha: str, inputs: str, adapters: tuple[str, ...], salt: str,
             private_keys: Callable[[str], frozenset[str]]) -> SourceFacts:
    """Return the facts of one built source (`values`: its private values; `private_keys`: a destination's)."""
    published = SEPARATOR + SEPARATOR.join(published_strings(source, private_keys)) + SEPARATOR
    return SourceFacts(sha, inputs, source.id, source.write_key, adapters, published, private_digests(salt, values))


class FactsFile:
    """The facts file of one workspace."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / FACTS_FILE

    def read(self, shared: str) -> tuple[str, dict[str, SourceFacts]]:
        """Return (salt, facts by file) written with these shared inputs; a new salt and {} otherwise."""
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("format") == FORMAT and data.get("shared") == shared and isinstance(data.get("salt"), str):
                return data["salt"], {file: _facts_of_row(row) for file, row in data["sources"].items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError, AssertionError) as exc:
            log.warning("%s cannot be read (%s); every source is built", self.path, type(exc).__name__)
        return secrets.token_hex(16), {}

    def write(self, shared: str, salt: str, facts: Mapping[str, SourceFacts]) -> None:
        """Replace the file (atomically); a workspace that cannot be written to only loses the reuse."""
        body = json.dumps({"format": FORMAT, "shared": shared, "salt": salt,
                           "sources": {file: f.as_row() for file, f in sorted(facts.items())}},
                          separators=(",", ":")).encode()
        temporary = self.path.with_name(f".{FACTS_FILE}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# bundlesmith's build facts: local to this machine\n*\n")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(body)
            os.replace(temporary, self.path)
        except OSError as exc:
            log.warning("%s cannot be written (%s); the next build loads every source", self.path, exc.strerror)
            temporary.unlink(missing_ok=True)


def _facts_of_row(row: list[Any]) -> SourceFacts:
    """Return the facts of one row of the file; raise ValueError when it is not one `as_row` writes."""
    sha, inputs, source_id, write_key, adapters, published, private = row
    texts = (sha, inputs, source_id, write_key, published, " ".join(adapters))  # join: TypeError unless strings
    if not all(type(text) is str for text in texts) or not _DIGESTS.fullmatch(" ".join(private) + " "):
        raise ValueError("a row of unexpected types")
    return SourceFacts(sha, inputs, source_id, write_key, tuple(adapters), published, tuple(private))
