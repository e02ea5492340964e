"""The preview's collector under abuse: bounded in bytes, lengths checked before reading, same-origin posts only,
and a preview that stays on loopback unless told otherwise. A real PreviewServer on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from builder.errors import UsageError
from bundlesmith.preview.preview import check_listen_host, open_preview
from bundlesmith.preview.preview_server import MAX_BODY, MAX_STORED_BYTES, PreviewServer
from tests.conftest import BUNDLESMITH, REPO, SAMPLES


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    with PreviewServer(tmp_path, port=0) as running:
        yield running


def _raw(server: PreviewServer, head: str, body: bytes = b"", half_close: bool = True) -> tuple[int, bytes]:
    """Send one hand-written request (any headers, any lie in them); return the status and the whole answer."""
    host, port = server.url.split("://", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        if half_close:
            conn.shutdown(socket.SHUT_WR)  # what a client that "sends until EOF" does
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


def _post(server: PreviewServer, body: bytes, **headers: str) -> tuple[int, bytes]:
    lines = {"Host": server.url.split("://", 1)[1], "Content-Type": "text/plain", "Content-Length": str(len(body)),
             "Connection": "close", **{k.replace("_", "-"): v for k, v in headers.items()}}
    head = "POST /_collect/t HTTP/1.1\n" + "".join(f"{k}: {v}\n" for k, v in lines.items() if v is not None)
    return _raw(server, head, body)


def _event(write_key: str, filler: int = 0) -> bytes:
    return json.dumps({"type": "track", "event": "E", "writeKey": write_key, "pad": "x" * filler}).encode()


def test_the_collector_keeps_at_most_its_byte_budget_dropping_the_oldest(server):
    big = MAX_BODY - 1000
    sent = [_event(f"wk_{i}", big) for i in range(3 * MAX_STORED_BYTES // big)]   # three times the budget
    for body in sent:
        assert _post(server, body)[0] == 200
    held = server.collector.events()
    assert server.collector.stored_bytes <= MAX_STORED_BYTES
    assert len(json.dumps(held)) <= MAX_STORED_BYTES + len(held) * 100
    assert held[-1]["writeKey"] == f"wk_{len(sent) - 1}" and held[0]["writeKey"] != "wk_0"   # oldest dropped first
    assert len(held) >= MAX_STORED_BYTES // MAX_BODY - 1


def test_an_array_body_costs_its_bytes_not_its_parsed_objects(server):
    body = b"[" + b",".join([b"{}"] * ((MAX_BODY - 2) // 3)) + b"]"              # ~350,000 empty objects in 1 MiB
    assert _post(server, body)[0] == 200
    assert server.collector.stored_bytes <= len(body) + 100
    assert server.collector.events()[0]["_raw"] == body.decode()


@pytest.mark.parametrize("length, status", [("-1", 400), ("abc", 400), ("1e3", 400), (None, 400),
                                            (str(MAX_BODY + 1), 413), (str(64 << 20), 413)])
def test_a_missing_invalid_negative_or_huge_length_is_refused_without_reading(server, length, status):
    body = _event("wk_liar", 100)
    code, answer = _post(server, body, Content_Length=length)
    assert code == status, answer
    assert server.collector.events() == []


def test_a_chunked_body_is_refused(server):
    head = (f"POST /_collect/t HTTP/1.1\nHost: {server.url.split('://')[1]}\nContent-Type: text/plain\n"
            "Transfer-Encoding: chunked\nConnection: close\n")
    body = _event("wk_chunked")
    assert _raw(server, head, f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")[0] == 411
    assert server.collector.events() == []


def test_only_the_previews_own_pages_may_post_and_no_wildcard_cors(server):
    assert _post(server, _event("wk_other"), Origin="http://evil.example")[0] == 403
    assert _post(server, _event("wk_other"), Origin="null")[0] == 403
    assert _post(server, _event("wk_form"), Content_Type="application/x-www-form-urlencoded")[0] == 415
    assert server.collector.events() == []
    code, answer = _post(server, _event("wk_own"), Origin=server.url)
    assert code == 200 and b"Access-Control-Allow-Origin: *" not in answer
    port = server.url.rsplit(":", 1)[1]
    assert _post(server, _event("wk_other_port"), Origin=f"http://localhost:{int(port) + 1}")[0] == 403
    assert _post(server, _event("wk_localhost"), Origin=f"http://localhost:{port}")[0] == 200   # the same server
    code, answer = _post(server, _event("wk_json"), Content_Type="application/json; charset=utf-8")
    assert code == 200
    assert [e["writeKey"] for e in server.collector.events()] == ["wk_own", "wk_localhost", "wk_json"]
    head = f"OPTIONS /_collect/t HTTP/1.1\nHost: x\nOrigin: http://evil.example\nConnection: close\n"
    code, answer = _raw(server, head)
    assert b"Access-Control-Allow-Origin: *" not in answer
    assert f"Access-Control-Allow-Origin: {server.url}".encode() in answer


def test_a_preview_on_an_address_others_can_reach_needs_expose(tmp_path):
    with pytest.raises(UsageError, match="refusing to serve the preview on 0.0.0.0.*--expose"):
        with open_preview(SAMPLES / "acme", host="0.0.0.0", port=0):
            pass
    check_listen_host("::1", expose=False)
    check_listen_host("localhost", expose=False)
    check_listen_host("0.0.0.0", expose=True)
    cli = subprocess.run([*BUNDLESMITH, "preview", str(SAMPLES / "acme"), "--host", "0.0.0.0", "--port", "0"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 2 and "pass --expose to listen there anyway" in cli.stderr, cli.stderr
