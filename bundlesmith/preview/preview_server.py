"""The preview's HTTP server: the CDN layout of a build directory, a recording collector, and the QA pages.

    server = PreviewServer(build_dir, port=0, assets=assets, vendor_stubs=True)
    server.status = site.status           # what the pages show: a callable returning the last PreviewStatus
    with server:                          # serves on a daemon thread until the block ends
        server.url

Routes:

    /                                   index: every source, its device-mode destinations, build id, errors
    /_preview/status.json               the last build as JSON (pages poll it to show a new build)
    /_preview/sources/<id>/             the inspector beside the source's test page
    /_preview/sources/<id>/page         the test page: the standard snippet pointed at this server
    /_preview/events.json?write_key=K   what the collector received for one source
    /_preview/plan?env=NAME             what publishing the draft to a target would change (`bundlesmith plan`)
    /_preview/static/<file>             the pages' scripts and styles (templates/preview/)
    /_vendor/<slug>.js                  the recording stub of a vendor SDK (--vendor-stubs)
    POST /_collect/<t|i|p|g|a>          the collector (bounded: see below)
    anything else                       the CDN layout, with the headers the build recorded in `_headers`

With a `clock` (--simulate-cache) CDN objects go through a `CacheChain` (edge + browser caches on that clock); the
real browser is told not to cache (`Cache-Control: no-store`) and gets the modelled headers as
`X-Bundlesmith-Cache-Control` and `Age`, so what it sees follows modelled time only.

The collector is bounded in bytes: a body is at most `MAX_BODY` bytes, checked on `Content-Length` before anything
is read (a missing, invalid or negative length is a 400, a chunked body a 411: nothing is read); the events held
total at most `MAX_STORED_BYTES` bytes of stored JSON (and `MAX_EVENTS` events), the oldest dropped first. Each event
is kept as its encoded bytes, never as parsed objects, so `[{},{},...]` costs its length, not 25 times it, and bodies
are parsed one at a time, so parsing is bounded too. The test pages are served by this server, so the bundle posts
same-origin: a POST whose `Origin` is another site's is refused (403) before its body is read, there is no wildcard
CORS, and only `text/plain` and `application/json` bodies (what the runtime and Segment's client send) are taken
(415 otherwise).
"""
from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from builder import resources
from builder.assets import Assets
from bundlesmith.http_thread import BackgroundHttpServer
from bundlesmith.preview import preview_pages
from bundlesmith.preview.status import COLLECTOR_PATH, PreviewStatus
from bundlesmith.preview.vendor_stubs import VendorStubs
from publish.cache_chain import CacheChain

log = logging.getLogger(__name__)

Response = tuple[bytes, dict[str, str]]
HEADERS_FILE = "_headers"
MAX_EVENTS = 2000
MAX_BODY = 1 << 20  # bytes of one POSTed event
MAX_STORED_BYTES = 16 << 20  # bytes of every event held, oldest dropped first
COLLECT_TYPES = ("text/plain", "application/json")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_SOURCE_ROUTE = re.compile(r"^/_preview/sources/([A-Za-z0-9_.-]+)/(page)?$")


def parse_headers_text(text: str) -> dict[str, dict[str, str]]:
    """Read a Netlify-style `_headers` text: `/path` lines, each followed by indented `Name: value` lines."""
    table: dict[str, dict[str, str]] = {}
    block: dict[str, str] = {}
    for raw in text.splitlines():
        if raw.startswith("/"):
            block = table.setdefault(raw.strip(), {})
        elif raw[:1].isspace() and ":" in raw:
            name, value = (part.strip() for part in raw.split(":", 1))
            block[name] = value
    return table


class CdnOrigin:
    """Serve a build directory as the CDN origin, with the headers its `_headers` record gives each file."""

    def __init__(self, root: Path):
        self.root = root
        self._table: tuple[int, dict[str, dict[str, str]]] = (-1, {})
        self._lock = threading.Lock()

    def get(self, key: str) -> Response | None:
        """Return (body, headers) of the object at `key`, or None when the build has no such object."""
        headers = self._headers().get("/" + key)
        if headers is None:
            return None
        try:
            return (self.root / key).read_bytes(), dict(headers)
        except OSError:
            return None

    def _headers(self) -> dict[str, dict[str, str]]:
        path = self.root / HEADERS_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._table[0] != stamp:
                self._table = (stamp, parse_headers_text(path.read_text(encoding="utf-8")))
            return self._table[1]


class Collector:
    """Record the events the bundles send, per write key, bounded in count and in bytes (oldest dropped first)."""

    def __init__(self, limit: int = MAX_EVENTS, max_bytes: int = MAX_STORED_BYTES):
        self._events: deque[tuple[str | None, bytes]] = deque()  # (write key, the event's JSON bytes)
        self._limit, self._max_bytes, self._bytes = limit, max_bytes, 0
        self._lock = threading.Lock()
        self._parsing = threading.Lock()  # one body parsed at a time: a parsed body can be ~25 times its size

    @property
    def stored_bytes(self) -> int:
        """Return the bytes of every event held."""
        return self._bytes

    def record(self, path: str, body: bytes) -> None:
        """Store one POSTed event body, with the path it was sent to as `_path`, dropping the oldest past a bound."""
        with self._parsing:
            write_key, stored = _stored_event(path, body)
        with self._lock:
            self._events.append((write_key, stored))
            self._bytes += len(stored)
            while self._events and (len(self._events) > self._limit or self._bytes > self._max_bytes):
                self._bytes -= len(self._events.popleft()[1])

    def events_json(self, write_key: str | None = None) -> bytes:
        """Return the recorded events, oldest first, optionally of one write key, as a JSON array."""
        with self._lock:
            chosen = [e for k, e in self._events if write_key is None or k == write_key]
        return b"[" + b",".join(chosen) + b"]"

    def events(self, write_key: str | None = None) -> list[dict[str, Any]]:
        """Return the recorded events, oldest first, optionally of one write key."""
        return json.loads(self.events_json(write_key))


def _stored_event(path: str, body: bytes) -> tuple[str | None, bytes]:
    """Return the write key of a POSTed body and the JSON bytes kept for it (parsed objects are not kept)."""
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        event = {"_raw": body.decode("utf-8", "replace")}
    event["_path"] = path
    write_key = event.get("writeKey")
    return (write_key if isinstance(write_key, str) else None), json.dumps(event, sort_keys=True,
                                                                           separators=(",", ":")).encode()


def collect_refusal(headers: Any, own_origins: frozenset[str]) -> tuple[int, str] | None:
    """Return (status, why) when a POST to the collector must be refused before its body is read, else None."""
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        return 411, "a Content-Length is required (chunked bodies are not taken)"
    raw = headers.get("Content-Length")
    if raw is None or not re.fullmatch(r"[0-9]{1,15}", raw.strip()):
        return 400, "Content-Length must be a non-negative integer"
    if int(raw) > MAX_BODY:
        return 413, f"the body exceeds {MAX_BODY} bytes"
    origin = headers.get("Origin")
    if origin is not None and origin not in own_origins:
        return 403, "only the preview's own pages may post to the collector"
    content_type = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if content_type not in COLLECT_TYPES:
        return 415, "the body must be text/plain or application/json"
    return None


class PreviewServer(BackgroundHttpServer):
    """A threaded HTTP server on 127.0.0.1 for the preview; it serves, it never builds."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, assets: Assets | None = None,
                 vendor_stubs: bool = False, clock: Callable[[], float] | None = None):
        self.origin, self.collector = CdnOrigin(root), Collector()
        self.assets = assets or Assets.load()
        self.stubs = VendorStubs.load() if vendor_stubs else None
        self.clock = clock
        self.cache = CacheChain(self.origin.get, clock) if clock is not None else None
        self._cache_lock = threading.Lock()
        self.status: Callable[[], PreviewStatus] = lambda: PreviewStatus("none", 0, 0.0)
        self.plan: Callable[[str], str] | None = None  # env -> the publish plan, as `bundlesmith plan` prints it
        super().__init__(_handler(self), host, port, name="bundlesmith-preview")

    @property
    def own_origins(self) -> frozenset[str]:
        """Return the origins of this server's own pages: its URL, and this port on every loopback name."""
        port = self.url.rsplit(":", 1)[1]
        return frozenset({self.url, *(f"http://{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))})

    def cdn_get(self, key: str) -> Response | None:
        """Answer a CDN request: straight from the build, or through the modelled caches."""
        if self.cache is None:
            return self.origin.get(key)
        with self._cache_lock:
            found = self.cache.browser_get(key)
        if found is None:
            return None
        body, headers = found
        modelled = {k: v for k, v in headers.items() if k.lower() != "cache-control"}
        modelled["X-Bundlesmith-Cache-Control"] = headers.get("Cache-Control", "")
        modelled["Cache-Control"] = "no-store"
        return body, modelled

    def vendor_stub(self, slug: str) -> bytes | None:
        """Return the recording stub of a vendor SDK, when stubs are on and the slug has one."""
        return None if self.stubs is None else self.stubs.code(slug)

    def plan_text(self, env: str) -> str | None:
        """Return the publish plan of the draft config for `env`, or why there is none."""
        if self.plan is None or env not in self.status().environments:
            return None
        try:
            return self.plan(env)
        except Exception as exc:  # a target that cannot be read (no credentials, no network) is reported, not fatal
            log.info("no plan for %s: %s", env, exc)
            return f"no plan for '{env}': {exc}"

    def page(self, path: str, query: dict[str, list[str]]) -> str | None:
        """Render the HTML page at `path`, or None when there is none."""
        status = self.status()
        if path == "/":
            return preview_pages.render_index(self.assets, status, self._extras())
        match = _SOURCE_ROUTE.match(path)
        source = status.source(match.group(1)) if match else None
        if source is None or source.type != "web":
            return None
        if match and match.group(2):
            load = preview_pages.load_options(query.get("load", [""])[0])
            return preview_pages.render_test_page(self.assets, self.url, source, load, self.stubs)
        return preview_pages.render_inspector(self.assets, status, source, self._extras())

    def _extras(self) -> dict[str, Any]:
        """Return what the pages say about the server's modes."""
        return {"vendor_stubs": self.stubs is not None, "plan": self.plan is not None,
                "time_scale": getattr(self.clock, "time_scale", None) if self.clock else None}


Reply = tuple[int, bytes, dict[str, str]]
_NOT_FOUND: Reply = (404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"})
_NO_STORE_JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def answer_get(server: PreviewServer, target: str) -> Reply:
    """Return the reply to a GET of `target` (path and query): a preview route, a stub, a CDN object, else 404."""
    url = urlsplit(target)
    path, query = url.path, parse_qs(url.query)
    reply = _preview_data(server, path, query)
    if reply is not None:
        return reply
    if path.startswith("/_preview/static/"):
        reply = _static_file(path)
    elif path.startswith("/_vendor/") and path.endswith(".js"):
        reply = _vendor_stub(server, path)
    elif path == "/" or path.startswith("/_preview/"):
        reply = _html_page(server, path, query)
    else:
        found = server.cdn_get(path.lstrip("/"))
        reply = None if found is None else (200, found[0], found[1])
    return reply or _NOT_FOUND


def _preview_data(server: PreviewServer, path: str, query: dict[str, list[str]]) -> Reply | None:
    """Return the reply to a request for the preview's data (status, plan, events), or None."""
    if path == "/_preview/status.json":
        return 200, json.dumps(server.status().as_dict(), sort_keys=True).encode(), dict(_NO_STORE_JSON)
    if path == "/_preview/plan":
        text = server.plan_text(query.get("env", [""])[0])
        if text is not None:
            return 200, (text + "\n").encode(), {"Content-Type": "text/plain; charset=utf-8",
                                                 "Cache-Control": "no-store"}
    if path == "/_preview/events.json":
        return 200, server.collector.events_json(query.get("write_key", [None])[0]), dict(_NO_STORE_JSON)
    return None


def _static_file(path: str) -> Reply | None:
    """Return one of the pages' scripts or styles (templates/preview/), or None."""
    name = path.rsplit("/", 1)[1]
    file = resources.templates_dir() / "preview" / name
    if Path(name).suffix in STATIC_TYPES and file.is_file():
        return 200, file.read_bytes(), {"Content-Type": STATIC_TYPES[file.suffix], "Cache-Control": "no-cache"}
    return None


def _vendor_stub(server: PreviewServer, path: str) -> Reply | None:
    """Return the recording stub at `/_vendor/<slug>.js`, or None."""
    stub = server.vendor_stub(path[len("/_vendor/"):-len(".js")])
    return None if stub is None else (200, stub, {"Content-Type": STATIC_TYPES[".js"]})


def _html_page(server: PreviewServer, path: str, query: dict[str, list[str]]) -> Reply | None:
    """Return the index, an inspector or a test page, or None."""
    html = server.page(path, query)
    if html is None:
        return None
    return 200, html.encode(), {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


class PreviewHandler(BaseHTTPRequestHandler):
    """Answer the preview's HTTP requests for the `PreviewServer` a subclass binds as `preview`."""

    protocol_version = "HTTP/1.1"
    preview: PreviewServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool = False) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(*answer_get(self.preview, self.path), head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._send(*answer_get(self.preview, self.path))

    def _allowed_origin(self) -> str:
        """Return the request's Origin when it is one of this server's own, else the server's URL."""
        origin = self.headers.get("Origin")
        return origin if origin in self.preview.own_origins else self.preview.url

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(204, b"", {"Access-Control-Allow-Origin": self._allowed_origin(), "Vary": "Origin",
                              "Access-Control-Allow-Headers": "Content-Type",
                              "Access-Control-Allow-Methods": "GET, POST"})

    def do_POST(self) -> None:  # noqa: N802
        refusal = (404, "not found") if not self.path.startswith(f"/{COLLECTOR_PATH}/") else \
            collect_refusal(self.headers, self.preview.own_origins)
        if refusal is not None:
            self.close_connection = True  # the body is not read, so the connection cannot be reused
            log.info("collector refused a POST to %s: %s", self.path[:200], refusal[1])
            return self._send(refusal[0], json.dumps({"error": refusal[1]}).encode(),
                              {"Content-Type": "application/json"})
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.preview.collector.record(self.path[len(COLLECTOR_PATH) + 2:], body)
        self._send(200, b"{}", {"Content-Type": "application/json",
                                "Access-Control-Allow-Origin": self._allowed_origin(), "Vary": "Origin"})


def _handler(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    """Return a `PreviewHandler` class bound to `server`."""
    return type("Handler", (PreviewHandler,), {"preview": server})
