"""Read a Segment settings JSON or export from a file or an http(s) URL, within bounds.

    data = read_input("settings.json")        # or "https://cdn.segment.com/v1/projects/<writeKey>/settings"

Bounds (`FetchLimits`): at most `max_bytes` read (a larger file or body is refused, never read past the limit + 1
byte, a declared `Content-Length` past it refused unread); for a URL, a connect timeout, a read timeout per socket
read and a total deadline for the whole fetch, redirects included (the body is read one socket read at a time, so a
server that trickles bytes meets the deadline too); at most `max_redirects` redirects, only to http(s) URLs; no
proxy or credentials from the environment. Every refusal is an `ImportInputError` whose message names the file or
URL and the rule; nothing is written. `strict_json.py` parses what was read.
"""
from __future__ import annotations

import logging
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import urljoin, urlsplit

from builder.errors import BundlesmithError
from builder.workspace import read_bounded

log = logging.getLogger(__name__)

MAX_BYTES = 16 * 1024 * 1024   # a settings JSON is KBs; an export of every source of a large workspace a few MB
CHUNK_BYTES = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)


class ImportInputError(BundlesmithError):
    """A settings JSON or export cannot be read or is not acceptable input; nothing was written."""


@dataclass(frozen=True)
class FetchLimits:
    """How much and how long one input may take."""

    max_bytes: int = MAX_BYTES
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0
    max_redirects: int = 3


def is_url(location: str) -> bool:
    """Tell whether `location` names a URL (anything with a scheme) rather than a file."""
    return "://" in location


def read_input(location: str, limits: FetchLimits = FetchLimits()) -> bytes:
    """Return the bytes of a file or an http(s) URL, within `limits`."""
    if not is_url(location):
        return _read_file(Path(location), limits)
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https"):
        raise ImportInputError(f"{location}: only http and https URLs are fetched (got the scheme {scheme!r})")
    return _fetch(location, limits)


def _read_file(path: Path, limits: FetchLimits) -> bytes:
    try:
        data = read_bounded(path, limits.max_bytes)
    except FileNotFoundError as exc:
        raise ImportInputError(f"{path}: the file does not exist") from exc
    except OSError as exc:
        raise ImportInputError(f"{path}: the file cannot be read: {exc.strerror}") from exc
    if data is None:
        raise ImportInputError(f"{path}: the file is larger than the limit of {limits.max_bytes:,} bytes")
    return data


def _fetch(url: str, limits: FetchLimits) -> bytes:
    """GET `url`, following at most `limits.max_redirects` redirects to http(s) URLs, within the deadline."""
    deadline = time.monotonic() + limits.deadline
    current = url
    for _ in range(limits.max_redirects + 1):
        connection, sock, response = _get(url, current, limits, deadline)
        try:
            if response.status not in REDIRECTS:
                return _body(url, current, sock, response, limits, deadline)
            current = _redirect_target(url, current, response.getheader("Location", ""))
            log.info("%s redirects to %s", url, current)
        finally:
            response.close()
            connection.close()
    raise ImportInputError(f"{url}: more than {limits.max_redirects} redirects (the limit)")


def _get(url: str, current: str, limits: FetchLimits,
         deadline: float) -> tuple[HTTPConnection, socket.socket, HTTPResponse]:
    """Connect (connect timeout), send the request, read the response head; return the connection, its socket
    (kept: http.client lets go of it once the response owns it) and the response."""
    parts = urlsplit(current)
    if not parts.hostname:
        raise ImportInputError(f"{url}: {current!r} names no host")
    timeout = min(limits.connect_timeout, _remaining(url, limits, deadline))
    connection = (HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context())
                  if parts.scheme.lower() == "https" else HTTPConnection(parts.hostname, parts.port, timeout=timeout))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.connect()
        sock = connection.sock
        assert sock is not None
        _read_timeout(sock, url, limits, deadline)
        connection.request("GET", target, headers={"Accept": "application/json", "Accept-Encoding": "identity",
                                                   "User-Agent": "bundlesmith-import"})
        return connection, sock, connection.getresponse()
    except TimeoutError as exc:
        connection.close()
        raise ImportInputError(f"{url}: timed out (connect {limits.connect_timeout:g} s, "
                               f"read {limits.read_timeout:g} s)") from exc
    except (OSError, HTTPException) as exc:
        connection.close()
        raise ImportInputError(f"{url}: cannot be fetched: {type(exc).__name__}") from exc
    except BaseException:  # the deadline passed (ImportInputError), or an interrupt
        connection.close()
        raise


def _remaining(url: str, limits: FetchLimits, deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ImportInputError(f"{url}: not received within the deadline of {limits.deadline:g} s")
    return remaining


def _read_timeout(sock: socket.socket, url: str, limits: FetchLimits, deadline: float) -> None:
    """Bound the next socket read by the read timeout and by what is left of the deadline."""
    sock.settimeout(min(limits.read_timeout, _remaining(url, limits, deadline)))


def _redirect_target(url: str, current: str, location: str) -> str:
    target = urljoin(current, location)
    scheme = urlsplit(target).scheme.lower()
    if not location or scheme not in ("http", "https"):
        raise ImportInputError(f"{url}: redirected to a {scheme or 'missing'} URL; only http(s) redirects are "
                               "followed")
    return target


def _body(url: str, current: str, sock: socket.socket, response: HTTPResponse, limits: FetchLimits,
          deadline: float) -> bytes:
    """Read the body, one socket read at a time, within the size limit, the read timeout and the deadline."""
    if response.status != 200:
        raise ImportInputError(f"{url}: the server answered HTTP {response.status}"
                               + (f" (at {current})" if current != url else ""))
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ImportInputError(f"{url}: the body is {int(declared):,} bytes, more than the limit of "
                               f"{limits.max_bytes:,} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            _read_timeout(sock, url, limits, deadline)
            chunk = response.read1(CHUNK_BYTES)  # returns after at most one read of the socket: a trickle is timed
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limits.max_bytes:
                raise ImportInputError(f"{url}: the body is larger than the limit of {limits.max_bytes:,} bytes")
            chunks.append(chunk)
    except TimeoutError as exc:
        raise ImportInputError(f"{url}: the body was not received within {limits.read_timeout:g} s per read and "
                               f"{limits.deadline:g} s in all") from exc
    except (OSError, HTTPException) as exc:
        raise ImportInputError(f"{url}: the body could not be read: {type(exc).__name__}") from exc
