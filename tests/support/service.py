"""A live `bundlesmith serve` for tests: the service plus its admin API on 127.0.0.1 (a free port), torn down after.

    with live_service(root, token="t0ken") as live:
        live.url, live.service, live.api("GET", "/api/v1/sources")   # sends the token; live.bodies: every answer
        live.wait(lambda board: ..., timeout=20)       # bounded wait on the status board
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bundlesmith.serve.admin_api import ApiServer, create_app
from bundlesmith.serve.service import Service
from bundlesmith.serve.status import StatusBoard

TOKEN = "test-admin-token-5f2c"


@dataclass
class LiveService:
    """A running service and its admin API."""

    service: Service
    url: str
    token: str | None
    bodies: list[bytes] = field(default_factory=list)  # every response body api() received, for leak checks

    def api(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        """Call the admin API (with the token unless `auth` is False)."""
        headers = dict(kwargs.pop("headers", {}))
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)
        self.bodies.append(response.content)
        return response

    def wait(self, predicate: Callable[[StatusBoard], bool], timeout: float = 30.0) -> None:
        """Wait (bounded) for the board to satisfy `predicate`, then for the loop to be idle; fail otherwise."""
        assert self.service.board.wait_for(predicate, timeout), [r.as_dict() for r in self.service.board.all()]
        assert self.service.wait_idle(timeout)


@contextmanager
def live_service(root: Path, env: str = "local", *, token: str | None = TOKEN, quiet: float = 0.05,
                 max_delay: float = 0.5, allowed: frozenset[str] | None = None,
                 **options: Any) -> Iterator[LiveService]:
    """Run the service on `root` and its admin API on 127.0.0.1:0 until the block ends."""
    service = Service(root, env, quiet=quiet, max_delay=max_delay, **options)
    server = ApiServer(create_app(service, token, allowed), "127.0.0.1", 0, token=token)
    with service, server:
        assert service.wait_idle(60), "the first reconcile did not finish"
        yield LiveService(service, server.url, token)


def published(board: StatusBoard, source_id: str, build_id: str) -> bool:
    """True when the board says `source_id` serves `build_id`."""
    record = board.get(source_id)
    return record is not None and record.published_build_id == build_id
