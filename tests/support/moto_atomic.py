"""Make moto's conditional S3 writes atomic, as S3's are: moto checks If-Match / If-None-Match, then writes.

Its threaded server handles requests in parallel threads, so two conditional PUTs of one key can both pass the
check; real S3 evaluates the condition and the write as one step. Tests of the workers' locks and
compare-and-swap manifest serialise the conditional requests (and only those) to get S3's semantics.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def atomic_conditional_writes() -> Iterator[None]:
    """Serialise moto's conditional PutObject / DeleteObject requests while the block runs."""
    from moto.s3.responses import S3Response

    lock = threading.Lock()
    originals = {name: getattr(S3Response, name) for name in ("put_object", "delete_object")}

    def serialised(method: Any) -> Any:
        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if self.headers.get("If-Match") or self.headers.get("If-None-Match"):
                with lock:
                    return method(self, *args, **kwargs)
            return method(self, *args, **kwargs)
        return call
    for name, method in originals.items():
        setattr(S3Response, name, serialised(method))
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(S3Response, name, method)
