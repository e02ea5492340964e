"""Serve vendors' real browser SDKs from tests/js/node_modules at their CDN URLs, and answer their API hosts locally.

A destination test runs the SDK its users get (the npm package's browser build) and checks what that SDK sends:

    vendor = RealVendor(cdn.url, scripts={MIXPANEL_CDN: npm_file("mixpanel-browser/dist/mixpanel.min.js")},
                        api_hosts=("api-js.mixpanel.com",), answer=lambda request: (200, "application/json", "1"))
    vendor.install(page)
    ...
    vendor.api          # [ApiRequest(url, method, body), ...] in the order the SDK sent them

Every other outside request is aborted and listed in `refused`; requests to the local server pass untouched.
"""
from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

NODE_MODULES = Path(__file__).resolve().parent.parent / "js" / "node_modules"


def npm_file(relative: str) -> Path:
    """Return a file of an npm package installed under tests/js (`make test` runs `npm ci` there)."""
    path = NODE_MODULES / relative
    assert path.is_file(), f"{path} is missing: run `npm ci --prefix tests/js`"
    return path


@dataclass(frozen=True)
class ApiRequest:
    """One request the SDK made to a vendor API host."""

    url: str
    method: str
    body: bytes

    def text(self) -> str:
        """Return the body as text, gunzipped when the SDK compressed it (Content-Encoding: gzip)."""
        body = gzip.decompress(self.body) if self.body[:2] == b"\x1f\x8b" else self.body
        return body.decode("utf-8")

    @property
    def path(self) -> str:
        """Return the request's path."""
        return urlsplit(self.url).path

    @property
    def host(self) -> str:
        """Return the request's host."""
        return urlsplit(self.url).hostname or ""


Answer = Callable[[ApiRequest], tuple[int, str, str]]  # -> (status, content type, body)


@dataclass
class RealVendor:
    """Routes a page's outside requests: SDK URLs get the npm file, API hosts get `answer`, the rest is aborted."""

    local_prefix: str
    scripts: dict[str, Path]                  # exact SDK URL -> file served for it
    api_hosts: tuple[str, ...]
    answer: Answer
    requested: Counter[str] = field(default_factory=Counter)
    api: list[ApiRequest] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def install(self, page) -> "RealVendor":  # type: ignore[no-untyped-def]
        page.route(re.compile("^(?!" + re.escape(self.local_prefix) + ")"), self._route)
        return self

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        request = route.request
        url = request.url
        if url in self.scripts:
            self.requested[url] += 1
            return route.fulfill(status=200, content_type="application/javascript",
                                 body=self.scripts[url].read_bytes(), headers={"Access-Control-Allow-Origin": "*"})
        if (urlsplit(url).hostname or "") in self.api_hosts:
            cors = {"Access-Control-Allow-Origin": request.headers.get("origin", "*"),
                    "Access-Control-Allow-Credentials": "true",
                    "Access-Control-Allow-Headers": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS"}
            if request.method == "OPTIONS":
                return route.fulfill(status=204, headers=cors, body="")
            call = ApiRequest(url, request.method, request.post_data_buffer or b"")
            self.api.append(call)
            status, content_type, body = self.answer(call)
            return route.fulfill(status=status, content_type=content_type, body=body, headers=cors)
        self.refused.append(url)
        return route.abort()
