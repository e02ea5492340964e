"""`_headers` of a directory target (Netlify / Cloudflare Pages format): what a static host serves each file with.

    write_headers(store.root, objects)         # one entry per served object, from the states' records
    HeadersFile(store.root).published(None)    # after a publish: drop the entries of files it deleted
    DirectoryStore(root, headers=HeadersFile(root))   # each new object's entry appended before the object

A served file never lacks its `_headers` entry, even after `kill -9`: a store given its `HeadersFile` appends the
entry of an object to `_headers` (one `write`, before the object's rename makes it visible) whenever `_headers` does
not already say those headers for that key; the store tells it which files it deleted, and the rewrite after a
publish (`flush`) drops their entries; a verify rewrites it from every source's state (`write`), dropping an entry
only once its file is gone. Appending is the simplest crash-safe order: it costs one small write per new key (a
full rewrite before every publish would cost the whole file per change), and it holds for every writer alike (the
service, `bundlesmith build`, its forked workers, a rollback's copies), because it sits where the bytes are written.
Private keys and keys the directory store refuses (`publish.directory.key_problem`) never get an entry; OS errors
become `builder.errors.PublishError` as in the store.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from publish.atomic_file import atomic_write
from publish.directory import HEADERS_FILE, key_problem, translate_os_errors
from publish.state import ObjectRecord, is_private_key


def write_headers(root: Path, objects: Mapping[str, ObjectRecord]) -> None:
    """Write `_headers` (Netlify / Cloudflare Pages format) for every served object, unless it is unchanged."""
    HeadersFile(root).write(objects)


class HeadersFile:
    """`_headers` of one directory: an entry appended before each new object, the whole file rewritten from the state.

    `_entries` is what the file on disk says, key -> (content type, cache control, its lines or None until needed):
    read once per process, then kept in step with every append and rewrite (a service rewrites per change). A rewrite
    drops an entry only once its file is gone: a file put but not recorded (a crash) keeps its entry.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._entries: dict[str, tuple[str, str, str | None]] | None = None
        self._dirty = False  # entries changed since the last rewrite: the next one must not be skipped
        self._kept: set[str] = set()  # entries the last rewrite kept only because their files were still there
        self._fd: tuple[int, int] | None = None  # (pid, descriptor) appending to `_headers`: a forked worker opens its own
        self._lock = threading.Lock()

    @property
    def path(self) -> str:
        """Return the file's path."""
        return os.path.join(self.root, HEADERS_FILE)

    def cover(self, key: str, content_type: str, cache_control: str) -> None:
        """Make sure `_headers` gives `key` these headers before its file is written (append its entry if not)."""
        with self._lock:
            entries = self._load()
            known = entries.get(key)
            if (known is not None and known[:2] == (content_type, cache_control)) or key_problem(key) is not None:
                return
            lines = _header_lines(key, content_type, cache_control)
            with translate_os_errors(f"Failed to write {HEADERS_FILE} to {self.root}"):
                os.write(self._append_fd(), (lines + "\n").encode())  # one write: all of the entry or none of it
            entries[key] = (content_type, cache_control, lines)
            self._dirty = True

    def _append_fd(self) -> int:
        """Return this process's descriptor appending to the current `_headers` (a rewrite replaces the file)."""
        pid = os.getpid()
        if self._fd is None or self._fd[0] != pid:
            os.makedirs(self.root, exist_ok=True)
            self._fd = (pid, os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
        return self._fd[1]

    def published(self, objects: Mapping[str, ObjectRecord] | None) -> None:
        """After a publish: rewrite from every served object's record (a verify), else only drop forgotten entries."""
        if objects is None:
            self.flush()
        else:
            self.write(objects)

    def flush(self) -> None:
        """Rewrite `_headers` from the entries it holds if some were forgotten since (files deleted)."""
        with self._lock, translate_os_errors(f"Failed to write {HEADERS_FILE} to {self.root}"):
            if self._dirty or not os.path.isfile(self.path):
                entries = self._load()
                self._store(sorted(entries))

    def write(self, objects: Mapping[str, ObjectRecord]) -> None:
        """Write `_headers` for every served object (and every file still there that has an entry)."""
        with self._lock, translate_os_errors(f"Failed to write {HEADERS_FILE} to {self.root}"):
            entries = self._load()
            kept = []  # entries the state lacks whose file is still there: up but not recorded yet (a crash)
            for key in [k for k in entries if k not in objects]:
                if not (key_problem(key) or is_private_key(key)) and os.path.isfile(os.path.join(self.root, key)):
                    kept.append(key)
                else:
                    del entries[key]
            keys = sorted(objects.keys() | set(kept)) if kept else sorted(objects)
            self._kept = set(kept)
            for key in keys:
                record, known = objects.get(key), entries.get(key)
                if record is not None and (known is None or known[:2] != (record.content_type, record.cache_control)):
                    if is_private_key(key) or key_problem(key) is not None:
                        continue
                    entries[key] = (record.content_type, record.cache_control,
                                    _header_lines(key, record.content_type, record.cache_control))
            self._store(k for k in keys if k in entries)

    def forget(self, keys: Iterable[str]) -> None:
        """Drop the entries of files just deleted: now if the state is already written without them, else lazily.

        A publish deletes what a source no longer serves before it writes the state (that rewrite drops them), and
        expired objects after it (their entries were kept while the files were there: the file is rewritten now).
        """
        with self._lock, translate_os_errors(f"Failed to write {HEADERS_FILE} to {self.root}"):
            entries = self._load()
            gone = [k for k in keys if k in entries]
            for key in gone:
                del entries[key]
            if self._kept.intersection(gone):
                self._kept.difference_update(gone)
                self._store(sorted(entries))
            elif gone:
                self._dirty = True

    def _store(self, keys: Iterable[str]) -> None:
        """Write the entries of `keys`, in order, as the whole file (unless it already says exactly that)."""
        entries, blocks = self._entries, []
        assert entries is not None
        for key in keys:
            content_type, cache_control, lines = entries[key]
            if lines is None:
                lines = _header_lines(key, content_type, cache_control)
                entries[key] = (content_type, cache_control, lines)
            blocks.append(lines)
        body = ("\n".join(blocks) + "\n").encode()
        try:
            with open(self.path, "rb") as handle:
                same = handle.read() == body
        except FileNotFoundError:
            same = False
        if not same:
            os.makedirs(self.root, exist_ok=True)
            atomic_write(self.path, body)
            if self._fd is not None and self._fd[0] == os.getpid():
                os.close(self._fd[1])  # it appends to the replaced file
            self._fd = None
        self._dirty = False

    def _load(self) -> dict[str, tuple[str, str, str | None]]:
        """Return the entries `_headers` on disk holds, read once per process."""
        if self._entries is None:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    text = handle.read()
            except FileNotFoundError:
                text = ""
            self._entries = {k: (ct, cc, None) for k, (ct, cc) in read_headers(text).items()}
        return self._entries


_ENTRY = re.compile(r"^/(.+)\n  Content-Type: (.*)\n  Cache-Control: (.*)$", re.M)


def read_headers(text: str) -> dict[str, tuple[str, str]]:
    """Return {key: (Content-Type, Cache-Control)} of the entries of a `_headers` text this module wrote."""
    return {key: (content_type, cache_control) for key, content_type, cache_control in _ENTRY.findall(text)}


def _header_lines(key: str, content_type: str, cache_control: str) -> str:
    """Return the `_headers` block of one served object."""
    lines = [f"/{key}", f"  Content-Type: {content_type}", f"  Cache-Control: {cache_control}"]
    if key.startswith("v1/projects/"):  # browsers fetch settings cross-origin
        lines.append("  Access-Control-Allow-Origin: *")
    return "\n".join(lines)
