"""Reading a retained build's entry objects (settings JSON, analytics.min.js) back from the target, for diffs.

Every retained build keeps private copies of its entry objects in the target, under the key
`publish.state.build_copy_key(source, build id, key)`. This is the console's one place that knows where: if the
copies move, re-point the import below.
"""
from __future__ import annotations

import logging
from typing import Any

from publish.state import build_copy_key

log = logging.getLogger(__name__)


def read_build_copy(target: Any, source_id: str, build_id: str, key: str) -> bytes | None:
    """Return the bytes `key` had in a retained build of the source, None when the target does not keep them."""
    try:
        return target.store.get(build_copy_key(source_id, build_id, key))
    except Exception as exc:  # an unreachable target: the page says the copy could not be read
        log.warning("cannot read the copy of %s in build %s of %s: %s", key, build_id, source_id, type(exc).__name__)
        return None
