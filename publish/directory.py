"""The directory boundary: a `publish.publisher.Store` over a local directory, laid out like the CDN.

    store = DirectoryStore(Path("public"))
    store.put("v1/projects/wk/settings", body, "application/json", "public, max-age=300, s-maxage=1500")
    store.list()          # {"v1/projects/wk/settings": "<sha256>", ...}  (its ETag; S3's is an MD5)
    DirectoryStore(root, headers=HeadersFile(root))   # each object's `_headers` entry written before it (headers.py)

Every write goes to a temporary name in the same directory and is renamed over the key, so a reader (a static
host, the preview, a browser) never sees half a file, and a crash leaves either the old file or the new one.
Keys that could leave the directory are refused (`key_problem`): a write or read raises, and a delete skips the key,
logs a warning and records it in `refused`, so a tampered state can neither reach outside the directory nor hold
back the rest of a delete, and the caller can say what it refused. Errors are translated at this boundary into
`builder.errors.PublishError` with the operands in the message, so the publisher treats a full disk like a failed
upload: the source keeps what it served.

Listing a directory must be as cheap as listing a bucket, whose ETags come for free. Each write appends one line
(key, size, mtime, inode, sha256) to a journal under `.bundlesmith/store/`, from whichever process writes (the
parallel build writes from forked workers); `list()` takes the hash of a file from the journal when its stat still
matches and reads the file only when it does not (an edit by hand: drift), then compacts the journal into an index.
A long-running writer (the service) trusts the state it wrote and never lists, so a journal that outgrows
`JOURNAL_LIMIT` is folded into the index by whichever write finds it so (no walk: `list()` still checks every stat).
`_headers` and the store's own bookkeeping are not objects and are never listed.

`_headers` (what a static host serves each file with) is written by `publish/headers.py`: the store only reserves
its name and, given a `HeadersEntries` (a `publish.headers.HeadersFile`), tells it each object's headers before the
object's rename makes it visible and which keys it deleted, so a served file never lacks its entry, even after
`kill -9`.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from publish.atomic_file import TEMP_PREFIX, atomic_write
from publish.state import is_private_key
from publish.plan import sha256_hex
from builder.errors import PublishError

log = logging.getLogger(__name__)

HEADERS_FILE = "_headers"  # not an object: reserved for publish/headers.py
BOOKKEEPING = ".bundlesmith/store"
INDEX = f"{BOOKKEEPING}/sha256-index.json"  # (an older index.json / journal held MD5s: ignored)
JOURNAL = f"{BOOKKEEPING}/sha256-journal"
JOURNAL_LIMIT = 16 * 1024 * 1024  # bytes (~130,000 writes); a 10,000-source build writes about 2.5 MB
KEY_RULE = ("a key must be a relative path inside the target: no leading '/', no empty, '.' or '..' segment, "
            "no backslash and no control character")


_UNSAFE_KEY = re.compile(r"\A\Z|\A/|/\Z|//|(?:\A|/)\.\.?(?:/|\Z)|[\\\x00-\x1f\x7f]")


def key_problem(key: str) -> str | None:
    """Return why `key` cannot name a file of a directory target (it could leave it, or garble `_headers`), or None."""
    return KEY_RULE if _UNSAFE_KEY.search(key) else None


@contextmanager
def translate_os_errors(what: str) -> Iterator[None]:
    """Translate OSError raised inside the block into PublishError, keeping the cause."""
    try:
        yield
    except OSError as exc:
        raise PublishError(f"{what}: {exc.strerror or exc}") from exc


class HeadersEntries(Protocol):
    """What a store tells `_headers` (`publish.headers.HeadersFile`) about the objects it writes and deletes."""

    def cover(self, key: str, content_type: str, cache_control: str) -> None:
        """Make sure `_headers` gives `key` these headers before its file is written."""

    def forget(self, keys: Iterable[str]) -> None:
        """Drop the entries of files just deleted."""


class DirectoryStore:
    """One directory; keys given to and returned by it are paths relative to it."""

    prefix = ""
    etag = "sha256"  # what `list()` reports per file, and so the record field plans compare it with

    journal_limit = JOURNAL_LIMIT

    def __init__(self, root: Path, headers: HeadersEntries | None = None):
        self.root = Path(root)
        self.headers = headers  # given: each object's `_headers` entry is written before the object
        self.refused: list[tuple[str, str]] = []  # (key, rule) of every key `delete` refused
        self._made_dirs: set[str] = set()
        self._journal: tuple[int, int] | None = None  # (pid, fd): a forked worker opens its own
        self._journaled = 0  # bytes this process appended since it last looked at the journal's size
        self._cas_lock = threading.Lock()  # `put_if`: check and write as one step (one process writes a directory)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str, digest: str | None = None) -> None:
        """Write one file atomically (its headers live in its state and `_headers`); `digest`: its SHA-256."""
        path = self._path(key)
        with translate_os_errors(f"Failed to write {key} to {self.root}"):
            self._ensure_parent(path)
            if self.headers is not None and not is_private_key(key):
                self.headers.cover(key, content_type, cache_control)
            stat = atomic_write(path, body)
            self._remember(key, stat, digest or sha256_hex(body))

    def get(self, key: str) -> bytes | None:
        """Return the bytes of one file, or None when there is none."""
        path = self._path(key)
        with translate_os_errors(f"Failed to read {key} from {self.root}"):
            try:
                with open(path, "rb") as handle:
                    return handle.read()
            except (FileNotFoundError, NotADirectoryError):
                return None

    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None:
        """Copy one file of this store to another key."""
        body = self.get(source)
        if body is None:
            raise PublishError(f"Failed to copy {source} to {key} in {self.root}: no such file")
        self.put(key, body, content_type, cache_control)

    def delete(self, keys: Iterable[str]) -> None:
        """Delete files (missing ones are already deleted), and the folders that leaves empty; skip refused keys."""
        deleted = []
        for key in sorted(keys):
            problem = key_problem(key) or ("`_headers` is not an object" if key == HEADERS_FILE else None)
            if problem is not None:
                log.warning("refused to delete %r from %s: %s; nothing outside it was touched", key, self.root, problem)
                self.refused.append((key, problem))
                continue
            deleted.append(key)
            path = self._path(key)
            with translate_os_errors(f"Failed to delete {key} from {self.root}"):
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    continue
            self._prune(os.path.dirname(path))
        if self.headers is not None:
            self.headers.forget(deleted)

    def _prune(self, folder: str) -> None:
        """Remove `folder` and its parents up to the root while they are empty (a dropped build, a removed source)."""
        root = str(self.root)  # keys never hold "." or "..": the folder is the root joined with a key's folders
        while folder != root:
            try:
                os.rmdir(folder)
            except OSError:  # not empty (or already gone): its parents are not empty either
                return
            self._made_dirs.discard(folder)
            folder = os.path.dirname(folder)

    def version(self, key: str) -> str | None:
        """Return a cheap version of one file (size, mtime, inode: each atomic write makes a new one), or None."""
        with translate_os_errors(f"Failed to read {key} from {self.root}"):
            try:
                stat = os.stat(self._path(key))
            except (FileNotFoundError, NotADirectoryError):
                return None
        return _version(stat)

    def list(self, under: str = "") -> dict[str, str]:
        """Return every file (whose key starts with `under`) with its SHA-256, reading only files whose stat the
        journal does not vouch for. Under the private `.bundlesmith/` (the target's state: markers, source states),
        a file's version (its stat, as `version()` gives) stands for its ETag: one scandir, no index read."""
        if under and is_private_key(under):
            with translate_os_errors(f"Failed to list {self.root}/{under}"):
                return {key: _version(stat) for key, stat in self._walk(under)}
        with translate_os_errors(f"Failed to list {self.root}"):
            known, journaled = self._read_index()
            found: dict[str, str] = {}
            fresh: dict[str, list[Any]] = {k: v for k, v in known.items() if not k.startswith(under)} if under else {}
            for key, stat in self._walk(under):
                signature = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
                entry = known.get(key)
                if entry is None or entry[:3] != signature:
                    entry = signature + [_sha256_file(os.path.join(self.root, key))]
                fresh[key] = entry
                found[key] = entry[3]
            if journaled or fresh != known:
                self._write_index(fresh)
            return found

    def folders(self, under: str) -> list[str]:
        """Return the names of the folders right under `under` (one scandir, no stat)."""
        with translate_os_errors(f"Failed to list {self.root}/{under}"):
            try:
                with os.scandir(os.path.join(self.root, under)) as entries:
                    return [e.name for e in entries if e.is_dir(follow_symlinks=False)]
            except FileNotFoundError:
                return []

    def get_versioned(self, key: str) -> tuple[bytes | None, str | None]:
        """Return the bytes of one file and its version (a stat), or (None, None) when there is none."""
        with self._cas_lock:
            return self.get(key), self.version(key)

    def put_if(self, key: str, body: bytes, content_type: str, cache_control: str, *, if_match: str | None = None,
               if_none_match: bool = False) -> str | None:
        """Write one file only if its version is still `if_match` (or it does not exist); return its new version,
        or None when the condition failed. One process writes a directory: a lock makes check-and-write one step."""
        with self._cas_lock:
            current = self.version(key)
            if (if_match is not None and current != if_match) or (if_none_match and current is not None):
                return None
            self.put(key, body, content_type, cache_control)
            return self.version(key)

    def ensure_cors(self) -> bool:
        """Nothing to do: `_headers` gives settings `Access-Control-Allow-Origin` (publish/headers.py)."""
        return False

    # --- files ---------------------------------------------------------------------------------------------------

    def _path(self, key: str) -> str:
        """Map a key to its file; keys that could leave the directory are refused."""
        if key_problem(key) is not None or key == HEADERS_FILE:
            raise PublishError(f"refusing to write {key!r} outside {self.root}: {key_problem(key) or 'reserved'}")
        return os.path.join(self.root, key)

    def _ensure_parent(self, path: str) -> None:
        parent = os.path.dirname(path)
        if parent not in self._made_dirs:
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)

    def _walk(self, under: str = "") -> Iterator[tuple[str, os.stat_result]]:
        """Yield (key, stat) of every object file (under a key prefix), bookkeeping, `_headers` and temporary files
        left out."""
        folder = under.rpartition("/")[0]
        pending = [(folder + "/" if folder else "", os.path.join(self.root, folder))]
        while pending:
            prefix, folder = pending.pop()
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            for entry in entries:
                key = prefix + entry.name
                if not key.startswith(under) and not under.startswith(key + "/"):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if key != BOOKKEEPING:
                        pending.append((key + "/", entry.path))
                elif not entry.name.startswith(TEMP_PREFIX) and key != HEADERS_FILE:
                    yield key, entry.stat(follow_symlinks=False)

    # --- the etag journal and index ------------------------------------------------------------------------------

    def _remember(self, key: str, stat: os.stat_result, digest: str) -> None:
        """Append what was written to the journal (one line, one write: safe across processes)."""
        fd = self._journal_fd()
        line = f"{key}\t{stat.st_size}\t{stat.st_mtime_ns}\t{stat.st_ino}\t{digest}\n"
        self._journaled += os.write(fd, line.encode())
        if self._journaled * 16 >= self.journal_limit:  # look at the size now and then, not on every write
            self._journaled = 0
            if os.fstat(fd).st_size >= self.journal_limit:
                self._write_index(self._read_index()[0])  # a line appended meanwhile is lost: that file is hashed again

    def _journal_fd(self) -> int:
        pid = os.getpid()
        if self._journal is None or self._journal[0] != pid:
            os.makedirs(os.path.join(self.root, BOOKKEEPING), exist_ok=True)
            fd = os.open(os.path.join(self.root, JOURNAL), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            self._journal = (pid, fd)
        return self._journal[1]

    def _read_index(self) -> tuple[dict[str, list[Any]], bool]:
        """Return {key: [size, mtime_ns, inode, sha256]} from the index and the journal, and whether it had lines."""
        index: dict[str, list[Any]] = {}
        try:
            with open(os.path.join(self.root, INDEX), "rb") as handle:
                data = json.load(handle)
            index = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 4}
        except (OSError, ValueError, AttributeError):
            pass
        journaled = False
        try:
            with open(os.path.join(self.root, JOURNAL), "rb") as handle:
                for raw in handle:
                    journaled = True
                    fields = raw.decode("utf-8", "replace").rstrip("\n").split("\t")
                    if len(fields) != 5 or len(fields[4]) != 64:  # a line torn by a crash: that file is read again
                        continue
                    try:
                        index[fields[0]] = [int(fields[1]), int(fields[2]), int(fields[3]), fields[4]]
                    except ValueError:
                        continue
        except FileNotFoundError:
            pass
        return index, journaled

    def _write_index(self, index: dict[str, list[Any]]) -> None:
        """Compact: write the index, then empty the journal (a crash between the two only repeats lines)."""
        os.makedirs(os.path.join(self.root, BOOKKEEPING), exist_ok=True)
        atomic_write(os.path.join(self.root, INDEX), json.dumps(index, sort_keys=True).encode())
        try:
            os.truncate(os.path.join(self.root, JOURNAL), 0)
        except FileNotFoundError:
            pass


def _version(stat: os.stat_result) -> str:
    """Return a file's version: size, mtime and inode (each atomic write makes a new one)."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def _sha256_file(path: str) -> str:
    with open(path, "rb") as handle:
        return sha256_hex(handle.read())
