"""An HTTP server on its own daemon thread, as a context manager: serving on enter, shut down on exit.

    class PreviewServer(BackgroundHttpServer):
        def __init__(self, ...):
            super().__init__(handler_class, "127.0.0.1", 0, name="bundlesmith-preview")
    with PreviewServer(...) as server:
        server.url            # http://127.0.0.1:<port>
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class BackgroundHttpServer:
    """A ThreadingHTTPServer bound at construction (a taken port fails at once) and served from a thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0, *,
                 name: str = "bundlesmith-http"):
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
