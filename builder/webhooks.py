"""Webhooks: JSON notices of builds and publishes to the URLs in workspace.yaml, signed, retried, never blocking.

    with WebhookSender(config.webhooks, workspace_id="acme") as hooks:
        hooks.notify("publish.succeeded", {"source": "shop", "build_id": "3f2a...", "visible_everywhere_by": ...})

Each listener gets `POST <url>` with the JSON body and the headers `X-Bundlesmith-Event`, `X-Bundlesmith-Delivery`
and, when its `secret_env` names a set environment variable, `X-Bundlesmith-Signature: sha256=<hex HMAC-SHA256 of
the body>` (`sign`, pure; listeners check it with `verify`). Deliveries run on one separate thread from a bounded
queue: `notify` never waits, a full queue drops the oldest notice (logged), and a failed delivery (network error
or any non-2xx answer) is retried with exponential backoff up to `attempts` times.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests

from builder.models import WebhookConfig

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Bundlesmith-Signature"
EVENT_HEADER = "X-Bundlesmith-Event"
DELIVERY_HEADER = "X-Bundlesmith-Delivery"
EVENTS = ("build.failed", "publish.succeeded", "publish.failed")
QUEUE_SIZE = 1000


def sign(secret: str, body: bytes) -> str:
    """Return the signature header value of `body` under `secret`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """True when `header` is the signature of `body` under `secret` (constant-time)."""
    return hmac.compare_digest(sign(secret, body), header or "")


def encode(event: str, workspace_id: str, payload: Mapping[str, Any], now: float) -> bytes:
    """Return the JSON body of one notice (sorted keys: the same notice always has the same bytes)."""
    return json.dumps({"event": event, "workspace": workspace_id, "at": now, **payload}, sort_keys=True,
                      separators=(",", ":")).encode()


class WebhookSender:
    """Delivers notices to every listener subscribed to their event, on its own thread."""

    def __init__(self, hooks: Iterable[WebhookConfig], workspace_id: str, *, env: Mapping[str, str] | None = None,
                 post: Callable[..., Any] = requests.post, clock: Callable[[], float] = time.time,
                 attempts: int = 5, backoff: float = 0.5, timeout: float = 5.0):
        self.hooks, self.workspace_id = list(hooks), workspace_id
        self._env = os.environ if env is None else env
        self._post, self._clock = post, clock
        self._attempts, self._backoff, self._timeout = attempts, backoff, timeout
        self._queue: queue.Queue[tuple[WebhookConfig, str, bytes, str] | None] = queue.Queue(QUEUE_SIZE)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bundlesmith-webhooks", daemon=True)
        self.delivered = 0
        self.failed = 0

    def __enter__(self) -> "WebhookSender":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def notify(self, event: str, payload: Mapping[str, Any]) -> None:
        """Queue `event` for every listener of it; return at once."""
        listeners = [h for h in self.hooks if event in h.events]
        if not listeners:
            return
        body = encode(event, self.workspace_id, payload, self._clock())
        for hook in listeners:
            item = (hook, event, body, uuid.uuid4().hex)
            while True:
                try:
                    self._queue.put_nowait(item)
                    break
                except queue.Full:
                    dropped = self._queue.get_nowait()
                    log.warning("webhook queue full; dropped a %s notice to %s", dropped and dropped[1],
                                dropped and dropped[0].url)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the delivery in progress; notices still queued are dropped (logged)."""
        self._stopping.set()
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            pass
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
        if not self._queue.empty():
            log.warning("stopping with %d webhook notices undelivered", self._queue.qsize())

    def _run(self) -> None:
        while not self._stopping.is_set():
            item = self._queue.get()
            if item is None:
                return
            self._deliver(*item)

    def _deliver(self, hook: WebhookConfig, event: str, body: bytes, delivery: str) -> None:
        headers = {"Content-Type": "application/json", EVENT_HEADER: event, DELIVERY_HEADER: delivery}
        secret = self._env.get(hook.secret_env) if hook.secret_env else None
        if hook.secret_env and not secret:
            log.warning("webhook %s: the environment variable %s is not set; sending unsigned", hook.url,
                        hook.secret_env)
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, body)
        for attempt in range(1, self._attempts + 1):
            error = self._send(hook.url, body, headers)
            if error is None:
                self.delivered += 1
                return
            log.warning("webhook %s %s to %s failed (attempt %d of %d): %s", event, delivery, hook.url, attempt,
                        self._attempts, error)
            if attempt < self._attempts and self._stopping.wait(self._backoff * 2 ** (attempt - 1)):
                break
        self.failed += 1

    def _send(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        """Post once; return None on a 2xx answer, else what went wrong."""
        try:
            response = self._post(url, data=body, headers=headers, timeout=self._timeout)
        except requests.RequestException as exc:
            return str(exc)
        return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
