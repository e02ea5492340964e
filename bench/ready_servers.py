"""The time-to-ready benchmark's HTTP servers on 127.0.0.1: a site, a CDN, a collector and the vendors' hosts.

    with BenchServers(build_dir, overrides, tls_dir) as servers:
        servers.site.url, servers.cdn.url, servers.collector.url, servers.vendors.port
        servers.site.pages["/a.html"] = "<!doctype html>..."
        servers.reset()                       # before a page load: forget what was served and collected
        servers.cdn.log, servers.collector.log, servers.vendors.log

The CDN serves a build directory with the headers its `_headers` file records, gzipped (level 6, as CDNs serve
text) when the browser accepts it; `overrides` maps a URL path or a path prefix ending in "/" to a file or a
directory served in its place (Segment's analytics-next files). The collector answers every POST with 200 and
records when it arrived. The vendor server speaks HTTPS (a throwaway self-signed certificate) for every vendor host
the browser maps to it: it answers a vendor SDK URL with its recording stub (destination_snippets/stubs/) after
`delay_s`, each request on its own thread, and anything else with 404 (recorded in `refused`). Each server records
each request's arrival time (ms since the epoch) and bytes.
"""
from __future__ import annotations

import gzip
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from bundlesmith.http_thread import BackgroundHttpServer
from bundlesmith.preview.preview_server import parse_headers_text
from bundlesmith.preview.vendor_stubs import VendorStubs

GZIP_LEVEL = 6
COMPRESSIBLE = ("text/", "application/javascript", "application/json")


@dataclass(frozen=True)
class Hit:
    """One request a server answered: when it arrived, its path and the body bytes (on the wire, decoded)."""

    at_ms: float
    path: str
    wire_bytes: int
    raw_bytes: int


class _Recording(BackgroundHttpServer):
    """A background HTTP server that keeps a log of the requests it answered."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], name: str):
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        super().__init__(handler, "127.0.0.1", 0, name=name)

    def record(self, hit: Hit) -> None:
        """Append one answered request to the log."""
        with self._lock:
            self.log.append(hit)

    def reset(self) -> None:
        """Forget every request answered so far."""
        with self._lock:
            self.log.clear()


class _Quiet(BaseHTTPRequestHandler):
    """A handler that logs nothing and sends a body with its length."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """Send one complete response."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SiteServer(_Recording):
    """The site: HTML pages held in `pages`, by path."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        server = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                html = server.pages.get(self.path.split("?")[0])
                if html is None:
                    return self.send(404, b"not found", {"Content-Type": "text/plain"})
                self.send(200, html.encode(), {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})

        super().__init__(Handler, "bench-site")


class CdnServer(_Recording):
    """The CDN: a build directory with its `_headers`, overrides in front of it, gzip when the browser accepts it."""

    def __init__(self, root: Path, overrides: dict[str, Path] | None = None):
        self.root, self.overrides = root, dict(overrides or {})
        self._cache: dict[str, tuple[bytes, bytes, dict[str, str]] | None] = {}
        server = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                found = server.lookup(path)
                if found is None:
                    return self.send(404, b"not found", {"Content-Type": "text/plain"})
                raw, packed, headers = found
                zipped = "gzip" in (self.headers.get("Accept-Encoding") or "") and packed is not raw
                body = packed if zipped else raw
                server.record(Hit(time.time() * 1000, path, len(body), len(raw)))
                self.send(200, body, {**headers, **({"Content-Encoding": "gzip"} if zipped else {})})

        super().__init__(Handler, "bench-cdn")

    def lookup(self, path: str) -> tuple[bytes, bytes, dict[str, str]] | None:
        """Return (raw body, gzipped body or the raw one, headers) for `path`, or None; read each file once."""
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def _read(self, path: str) -> tuple[bytes, bytes, dict[str, str]] | None:
        file, headers = self._locate(path)
        if file is None or not file.is_file():
            return None
        raw = file.read_bytes()
        compressible = headers.get("Content-Type", "").startswith(COMPRESSIBLE)
        packed = gzip.compress(raw, GZIP_LEVEL, mtime=0) if compressible else raw
        return raw, packed, {**headers, "Vary": "Accept-Encoding"} if compressible else headers

    def _locate(self, path: str) -> tuple[Path | None, dict[str, str]]:
        """Return the file that answers `path` (an override first, then the build) and its headers."""
        js = {"Content-Type": "text/javascript", "Cache-Control": "public, max-age=300",
              "Access-Control-Allow-Origin": "*"}
        for prefix, target in self.overrides.items():
            if path == prefix:
                return target, js
            if prefix.endswith("/") and path.startswith(prefix) and ".." not in path:
                return target / path[len(prefix):], js
        table = parse_headers_text((self.root / "_headers").read_text(encoding="utf-8"))
        if path not in table or ".." in path:
            return None, {}
        return self.root / path.lstrip("/"), table[path]


class CollectorServer(_Recording):
    """The collector: every POST answered 200 (CORS open, as Segment's API is) and recorded with its arrival time."""

    def __init__(self) -> None:
        server = self

        class Handler(_Quiet):
            def do_OPTIONS(self) -> None:  # noqa: N802
                self.send(204, b"", {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*",
                                     "Access-Control-Allow-Methods": "POST"})

            def do_POST(self) -> None:  # noqa: N802
                arrived = time.time() * 1000
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.record(Hit(arrived, self.path, len(body), len(body)))
                self.send(200, b"{}", {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"})

        super().__init__(Handler, "bench-collector")


class VendorServer(_Recording):
    """The vendors' hosts over HTTPS: each SDK URL answered with its recording stub after `delay_s`."""

    def __init__(self, tls_dir: Path, delay_s: float = 0.2):
        self.stubs, self.delay_s, self.refused = VendorStubs.load(), delay_s, []
        server = self

        class Handler(_Quiet):
            def do_GET(self) -> None:  # noqa: N802
                url = f"https://{self.headers.get('Host', '')}{self.path}"
                found = server.stubs.match(url)
                if found is None:
                    server.refused.append(url)
                    return self.send(404, b"not found", {"Content-Type": "text/plain"})
                time.sleep(server.delay_s)
                server.record(Hit(time.time() * 1000, url, len(found[1]), len(found[1])))
                self.send(200, found[1], {"Content-Type": "text/javascript", "Cache-Control": "no-store"})

        super().__init__(Handler, "bench-vendors")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self_signed_certificate(tls_dir))
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                  do_handshake_on_connect=False)  # in the request's thread
        self._print_error, self._server.handle_error = self._server.handle_error, self._connection_error

    def _connection_error(self, request: Any, client_address: Any) -> None:
        """Ignore a connection that does not speak TLS (Chromium's own plain-HTTP probes); print anything else."""
        if not isinstance(sys.exc_info()[1], ssl.SSLError):
            self._print_error(request, client_address)

    @property
    def port(self) -> int:
        """Return the port the server listens on."""
        return int(self._server.server_address[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a throwaway self-signed certificate and its key into `directory` with openssl; return their paths."""
    cert, key = directory / "vendors.crt", directory / "vendors.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=bench-vendors", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class BenchServers:
    """The site, the CDN, the collector and the vendor hosts, started and stopped together."""

    def __init__(self, root: Path, overrides: dict[str, Path], tls_dir: Path):
        self.site, self.cdn, self.collector = SiteServer(), CdnServer(root, overrides), CollectorServer()
        self.vendors = VendorServer(tls_dir)
        self._all = (self.site, self.cdn, self.collector, self.vendors)

    def reset(self) -> None:
        """Forget what every server answered so far."""
        for server in self._all:
            server.reset()

    def __enter__(self) -> "BenchServers":
        for server in self._all:
            server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._all:
            server.__exit__(*exc)
