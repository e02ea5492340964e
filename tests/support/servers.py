"""Real HTTP servers on 127.0.0.1 for browser tests: a CDN origin serving a build directory and a collector.

    with CdnServer(out_dir) as cdn:
        cdn.url                    # http://127.0.0.1:<port>
        cdn.pages["/site.html"] = "<html>..."     # extra pages (test pages with the snippet)
        cdn.events                 # every JSON body POSTed to /collect/<path>, with "_path"
        cdn.collector_status = 503 # make the collector fail

Files are served with the headers recorded in the build's `_headers` file, as the CDN would serve them.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from bundlesmith.http_thread import BackgroundHttpServer


def read_headers_file(root: Path) -> dict[str, dict[str, str]]:
    """Parse a Netlify-style `_headers` file into {"/path": {"Header": "value"}}."""
    headers: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    path = root / "_headers"
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.startswith("/"):
            current = headers.setdefault(line.strip(), {})
        elif line.startswith("  ") and current is not None and ":" in line:
            name, value = line.strip().split(":", 1)
            current[name.strip()] = value.strip()
    return headers


class CdnServer(BackgroundHttpServer):
    """A threaded HTTP server: static build files + test pages + a recording collector."""

    def __init__(self, root: Path | None = None):
        self.root = root
        self.pages: dict[str, str] = {}
        self.static: dict[str, Path] = {}   # URL prefix -> directory served under it (third-party test assets)
        self.events: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.collector_status = 200
        self.collector_hang: threading.Event | None = None  # set: collector requests get no answer until it fires
        self.event_arrived = threading.Condition()
        super().__init__(self._handler())

    def wait_for_events(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until at least `count` events arrived (bounded), then return them all."""
        with self.event_arrived:
            self.event_arrived.wait_for(lambda: len(self.events) >= count, timeout=timeout)
            return list(self.events)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                server.requests.append(path)
                if path in server.pages:
                    return self._send(200, server.pages[path].encode(), {"Content-Type": "text/html; charset=utf-8"})
                for prefix, directory in server.static.items():
                    file = (directory / path[len(prefix):]).resolve()
                    if path.startswith(prefix) and file.is_file() and file.is_relative_to(directory.resolve()):
                        return self._send(200, file.read_bytes(), {"Content-Type": "text/javascript"})
                if server.root is not None:
                    file = (server.root / path.lstrip("/")).resolve()
                    if file.is_file() and file.is_relative_to(server.root.resolve()):
                        headers = read_headers_file(server.root).get(path, {})
                        return self._send(200, file.read_bytes(), headers)
                self._send(404, b"not found", {"Content-Type": "text/plain"})

            def do_OPTIONS(self) -> None:  # noqa: N802
                self._send(204, b"", {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*",
                                      "Access-Control-Allow-Methods": "POST, GET"})

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hang = server.collector_hang
                if hang is not None:
                    hang.wait(timeout=30)   # no answer; the event is not recorded
                    return self._send(503, b"{}", {"Access-Control-Allow-Origin": "*"})
                status = server.collector_status
                if status == 200 and self.path.startswith("/collect/"):
                    try:
                        event = json.loads(body)
                    except ValueError:
                        event = {"_raw": body.decode("utf-8", "replace")}
                    event["_path"] = self.path[len("/collect/"):]
                    with server.event_arrived:
                        server.events.append(event)
                        server.event_arrived.notify_all()
                self._send(status, b"{}", {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"})

        return Handler
