"""CloudFront invalidations of exactly the changed entry paths, waited for with a bounded timeout.

    invalidator = CloudFrontInvalidator(boto3.client("cloudfront"), "E2ABC", clock=time.time, sleep=time.sleep)
    done = invalidator.invalidate(["/v1/projects/wk/settings"])    # {"id", "paths", "status", "completed_at"}

Too many paths become one wildcard per prefix (`publish.propagation.invalidation_batches`). `completed_at` is None
when the invalidation did not complete within `timeout`; the publish then reports the cache-policy bound.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from publish.propagation import invalidation_batches
from publish.aws import with_retries


class CloudFrontInvalidator:
    """Creates invalidations on one distribution and waits for them."""

    def __init__(self, client: Any, distribution: str, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, timeout: float = 900, poll: float = 5):
        self.client, self.distribution = client, distribution
        self._clock, self._sleep, self._timeout, self._poll = clock, sleep, timeout, poll

    def invalidate(self, paths: Sequence[str]) -> dict[str, Any] | None:
        """Invalidate `paths` and wait for completion; return what was done (None when there is nothing)."""
        batches = invalidation_batches(paths)
        if not batches:
            return None
        ids = [self._create(batch) for batch in batches]
        deadline = self._clock() + self._timeout
        pending = set(ids)
        while pending and self._clock() < deadline:
            pending = {i for i in pending if self._status(i).lower() != "completed"}
            if pending:
                self._sleep(self._poll)
        completed = None if pending else self._clock()
        return {"id": ",".join(ids), "paths": [p for b in batches for p in b],
                "status": "Completed" if completed is not None else "InProgress", "completed_at": completed}

    def _create(self, paths: list[str]) -> str:
        reference = f"bundlesmith-{self._clock():.6f}-{len(paths)}"
        response = with_retries(lambda: self.client.create_invalidation(
            DistributionId=self.distribution,
            InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": reference}),
            f"Failed to invalidate {len(paths)} paths on CloudFront distribution {self.distribution}",
            sleep=self._sleep)
        return response["Invalidation"]["Id"]

    def _status(self, invalidation_id: str) -> str:
        response = with_retries(lambda: self.client.get_invalidation(
            DistributionId=self.distribution, Id=invalidation_id),
            f"Failed to read invalidation {invalidation_id} of CloudFront distribution {self.distribution}",
            sleep=self._sleep)
        return response["Invalidation"]["Status"]
