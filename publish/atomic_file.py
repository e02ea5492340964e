"""Replace a file in one step: write a temporary file beside it, then rename it over the file.

    atomic_write("public/v1/projects/wk/settings", body)         # readers see the old bytes or the new, never half
    atomic_write("ws/sources/shop.yaml", text, durable=True)     # also on disk before the rename (config edits)

Temporary names start with `TEMP_PREFIX`, so listings and watchers can tell them apart; a failed write removes its
temporary file.
"""
from __future__ import annotations

import itertools
import os
import threading

TEMP_PREFIX = ".tmp-"

_temp_names = itertools.count()


def atomic_write(path: str, body: bytes, *, durable: bool = False) -> os.stat_result:
    """Write `body` to `path` through a temporary file and a rename; return the new file's stat."""
    head, name = os.path.split(path)
    tmp = os.path.join(head, f"{TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}-{next(_temp_names)}-{name}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()  # before the stat: a small body would still sit in the buffer (size 0, an older mtime)
            if durable:
                os.fsync(handle.fileno())
            stat = os.fstat(handle.fileno())
        os.replace(tmp, path)
        return stat
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
