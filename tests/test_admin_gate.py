"""The admin API's gate: Host allow-list, token, bounded bodies (pure decisions, then a live service on 127.0.0.1)."""
from __future__ import annotations

import json
import socket
import threading

import pytest

from bundlesmith.serve.admin_gate import (MAX_BODY_BYTES, allowed_hosts, check_host, check_json_values, check_length,
                                check_token, host_name)
from tests.support.publishing import copy_acme
from tests.support.service import TOKEN, live_service

MIB = 1024 * 1024
HUGE = 200 * MIB


@pytest.mark.parametrize("header, name", [
    ("127.0.0.1:8585", "127.0.0.1"), ("[::1]:8585", "::1"), ("[::1]", "::1"), ("::1", "::1"),
    ("LocalHost", "localhost"), ("localhost.:80", "localhost"), ("admin.acme.internal:443", "admin.acme.internal"),
])
def test_the_host_header_is_read_without_port_brackets_or_case(header, name):
    assert host_name(header) == name


def test_loopback_names_extra_hosts_and_the_listening_address_are_allowed():
    assert allowed_hosts() == {"127.0.0.1", "::1", "localhost"}
    assert allowed_hosts("10.0.0.7", ["Admin.Acme.Internal", " "]) == {"127.0.0.1", "::1", "localhost", "10.0.0.7",
                                                                      "admin.acme.internal"}
    assert allowed_hosts("0.0.0.0") == allowed_hosts()  # a wildcard names no host: add them with --allowed-host
    assert check_host("10.0.0.7:8585", allowed_hosts("10.0.0.7")) is None
    refused = check_host("evil.example", allowed_hosts())
    assert (refused.status, refused.code) == (421, "host-not-allowed")
    assert check_host(None, allowed_hosts()).status == 421


def test_the_token_guards_every_route_but_health_and_the_api_description():
    assert check_token("GET", "/healthz", None, "t0k") is None
    assert check_token("GET", "/openapi.json", None, "t0k") is None
    assert check_token("GET", "/api/v1/sources", b"Bearer t0k", "t0k") is None
    assert check_token("GET", "/api/v1/sources", b"bearer  t0k ", "t0k") is None
    for given in (None, b"Bearer t0", b"Bearer t0kk", b"Basic t0k", b"t0k", b""):
        assert check_token("GET", "/api/v1/sources", given, "t0k").status == 401
    assert check_token("POST", "/healthz", None, "t0k").status == 401
    missing = check_token("GET", "/api/v1/sources", b"Bearer x", None)
    assert missing.status == 401 and "set BUNDLESMITH_ADMIN_TOKEN" in missing.message


def test_declared_lengths_and_json_constants_are_checked():
    assert check_length(None, 10) is None and check_length(b"10", 10) is None
    assert check_length(b"11", 10).status == 413 and check_length(b"x", 10).status == 400
    assert check_json_values(b'{"a": NaN}', b"application/json").status == 422
    assert check_json_values(b'[1, -Infinity]', None).status == 422
    assert check_json_values(b'{"a": "NaN", "b": 1e308}', b"application/json") is None
    assert check_json_values(b'{"a": NaN}', b"text/plain") is None  # not JSON: the app refuses it by type
    assert check_json_values(b'{not json', b"application/json") is None  # the app's own 422 says where


# --- live: the body is bounded while it streams in, after Host and token ------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_service(copy_acme(tmp_path_factory.mktemp("gate"))) as running:
        yield running


def _rss_bytes() -> int:
    """Return this process's resident set size (the service runs in it)."""
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib * 1024


def _request_head(port: int, *, token: bool, length: int | None) -> bytes:
    lines = ["POST /api/v1/sources/storefront/destinations HTTP/1.1", f"Host: 127.0.0.1:{port}",
             "Content-Type: application/json",
             f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"]
    if token:
        lines.append(f"Authorization: Bearer {TOKEN}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _send_huge(url: str, *, token: bool, chunked: bool) -> tuple[int, dict, int]:
    """POST a 200 MiB body on a raw socket while reading the answer; return status, JSON body, bytes sent."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sent = [0]
    chunk = b" " * MIB

    def pump() -> None:
        try:
            sock.sendall(_request_head(port, token=token, length=None if chunked else HUGE))
            for _ in range(HUGE // MIB):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent[0] += len(chunk)
        except OSError:
            pass  # the server answered and closed the connection: the rest of the body is never read

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    try:
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536) or b"\r\n\r\n"
        head, _, body = answer.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(
            b"content-length:")))
        while len(body) < length:
            body += sock.recv(65536)
    finally:
        sock.close()
        sender.join(timeout=60)
    return int(head.split()[1]), json.loads(body), sent[0]


def test_a_huge_body_without_the_token_is_refused_unread(live):
    before = _rss_bytes()
    status, body, sent = _send_huge(live.url, token=False, chunked=False)
    grown = _rss_bytes() - before
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert grown < 16 * MIB, f"the service's process grew by {grown // MIB} MiB for a body it should not read"
    assert sent < HUGE  # the connection was closed before the client could send it all


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused_with_the_token(live, chunked):
    before = _rss_bytes()
    status, body, sent = _send_huge(live.url, token=True, chunked=chunked)
    grown = _rss_bytes() - before
    assert status == 413 and body["error"]["code"] == "body-too-large" and str(MAX_BODY_BYTES) in \
        body["error"]["message"]
    assert grown < 16 * MIB and sent < HUGE


def test_a_body_just_over_the_limit_is_refused_and_one_under_it_is_read(live):
    hotjar = {"destination": "Hotjar", "name": "Hotjar", "mode": "device", "settings": {"hjid": 1}}
    for size, status in ((MAX_BODY_BYTES - 1024, 422), (MAX_BODY_BYTES + 1, 413)):
        body = json.dumps({**hotjar, "consent_categories": ["x" * size]})
        answer = live.api("POST", "/api/v1/sources/storefront/destinations", data=body,
                          headers={"Content-Type": "application/json"})
        assert answer.status_code == status and set(answer.json()["error"]) == {"code", "message", "details"}
        assert answer.json()["error"]["code"] == ("body-too-large" if status == 413 else "R4-device-only-duplicate")


def test_a_second_host_header_is_refused(live):
    port = int(live.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n".encode())
        answer = b""
        while b"}}" not in answer and len(answer) < 65536:
            received = sock.recv(65536)
            if not received:
                break
            answer += received
    assert answer.startswith((b"HTTP/1.1 421", b"HTTP/1.1 400")), answer[:100]
