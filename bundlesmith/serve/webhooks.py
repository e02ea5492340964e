"""Webhooks: JSON notices of builds and publishes to the URLs in workspace.yaml, signed, retried, never blocking.

    with WebhookSender(config.webhooks, workspace_id="acme") as hooks:
        hooks.notify("publish.succeeded", {"source": "shop", "build_id": "3f2a...", "visible_everywhere_by": ...})

Each listener gets `POST <url>` with the JSON body and the headers `X-Bundlesmith-Event`, `X-Bundlesmith-Delivery`
and, when its `secret_env` names a set environment variable, `X-Bundlesmith-Signature: sha256=<hex HMAC-SHA256 of
the body>` (`sign`, pure; listeners check it with `verify`). Deliveries run on one separate thread from a bounded
queue: `notify` never waits, a full queue drops the oldest notice (logged), and a failed delivery (network error
or any non-2xx answer) is retried with exponential backoff up to `attempts` times.

Where notices may go is bounded: the URL must be http(s) with a host (checked when the workspace loads, by
`WebhookConfig`, and again here before every send); redirects are never followed (a 3xx answer is a failed delivery,
not retried, and its body is never read); and the operator (not the workspace) may name the hosts listeners may be
on (`allowed_hosts`: `bundlesmith serve --webhook-host NAME`, or `BUNDLESMITH_WEBHOOK_HOSTS=a,b`; `*.example.com`
matches its subdomains): a URL on another host is not posted to, and counts as failed. Log lines name a listener by
its scheme and host only (a path or query may hold a token), and never carry a body.
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
from urllib.parse import urlsplit

import requests

from builder.models import WebhookConfig

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Bundlesmith-Signature"
EVENT_HEADER = "X-Bundlesmith-Event"
DELIVERY_HEADER = "X-Bundlesmith-Delivery"
QUEUE_SIZE = 1000
HOSTS_ENV = "BUNDLESMITH_WEBHOOK_HOSTS"


def parse_hosts(values: Iterable[str]) -> frozenset[str] | None:
    """Return the allowed hosts named by option values and comma-separated lists (None: every host is allowed)."""
    hosts = frozenset(h.strip().lower().rstrip(".") for v in values for h in v.split(",") if h.strip())
    return hosts or None


def host_of(url: str) -> str:
    """Return the host of an http(s) URL, lower-case, without credentials, port or brackets."""
    return (urlsplit(url).hostname or "").rstrip(".")


def where(url: str) -> str:
    """Return what log lines say of a listener: its scheme and host, never its path or query (they may hold tokens)."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number: the URL is refused anyway
        port = ""
    return f"{parts.scheme}://{host_of(url)}{port}/..."


def refusal(url: str, allowed_hosts: frozenset[str] | None) -> str | None:
    """Return why a notice must not be posted to `url` (scheme, allow-list), or None."""
    problem = WebhookConfig.url_problem(url)
    if problem is not None:
        return f"the URL {problem}"
    host = host_of(url)
    if allowed_hosts is not None and not any(host == a or (a.startswith("*.") and host.endswith(a[1:]))
                                             for a in allowed_hosts):
        return f"its host {host!r} is not among the allowed webhook hosts ({HOSTS_ENV} / --webhook-host)"
    return None


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
                 attempts: int = 5, backoff: float = 0.5, timeout: float = 5.0,
                 allowed_hosts: Iterable[str] | None = None):
        self.hooks, self.workspace_id = list(hooks), workspace_id
        self.allowed_hosts = parse_hosts(allowed_hosts) if allowed_hosts is not None else None
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
                                dropped and where(dropped[0].url))

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
        refused = refusal(hook.url, self.allowed_hosts)
        if refused is not None:
            log.warning("webhook %s %s to %s not sent: %s", event, delivery, where(hook.url), refused)
            self.failed += 1
            return
        headers = {"Content-Type": "application/json", EVENT_HEADER: event, DELIVERY_HEADER: delivery}
        secret = self._env.get(hook.secret_env) if hook.secret_env else None
        if hook.secret_env and not secret:
            log.warning("webhook %s: the environment variable %s is not set; sending unsigned", where(hook.url),
                        hook.secret_env)
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, body)
        for attempt in range(1, self._attempts + 1):
            error, retry = self._send(hook.url, body, headers)
            if error is None:
                self.delivered += 1
                return
            log.warning("webhook %s %s to %s failed (attempt %d of %d): %s", event, delivery, where(hook.url),
                        attempt, self._attempts, error)
            if not retry or (attempt < self._attempts and self._stopping.wait(self._backoff * 2 ** (attempt - 1))):
                break
        self.failed += 1

    def _send(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[str | None, bool]:
        """Post once, following no redirect; return (None, _) on a 2xx answer, else (what went wrong, retry?)."""
        try:
            response = self._post(url, data=body, headers=headers, timeout=self._timeout, allow_redirects=False,
                                  stream=True)
        except requests.RequestException as exc:
            return f"{type(exc).__name__} (no answer)", True
        status = response.status_code
        response.close()  # the answer's body is never read
        if 300 <= status < 400:
            return f"HTTP {status}: a redirect, which webhooks never follow", False
        return (None, False) if 200 <= status < 300 else (f"HTTP {status}", True)
