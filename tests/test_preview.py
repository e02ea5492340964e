"""`bundlesmith preview` over HTTP: what it builds and serves, its collector, and how it follows edits."""
from __future__ import annotations

import hashlib
import http.client
import json
import re
import selectors
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from builder.workspace import load_workspace_file
from bundlesmith.preview.preview import ScaledClock, open_preview, preview_config
from bundlesmith.preview.preview_pages import load_options
from bundlesmith.preview.preview_server import parse_headers_text
from tests.conftest import SAMPLES
from tests.support.live import build_into

STOREFRONT = "wk_storefront_2f9c"


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(SAMPLES / "acme", root, ignore=shutil.ignore_patterns("public"))
    return root


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_serves_the_cdn_layout_with_the_headers_it_would_be_published_with(acme, tmp_path):
    published = tmp_path / "published"
    build_into(acme, published)
    expected = parse_headers_text((published / "_headers").read_text())
    with open_preview(acme, port=0) as preview:
        for path, headers in expected.items():
            status, got, _ = _get(preview.url + path)
            assert status == 200, path
            assert {name: got[name] for name in headers} == headers, path
        assert _get(preview.url + "/v1/projects/wk_nobody/settings")[0] == 404
        assert _get(preview.url + "/.bundlesmith/manifest.json")[0] == 404


def test_settings_point_at_the_local_cdn_and_collector_and_nothing_is_written_to_the_workspace(acme):
    before = _tree(acme)
    with open_preview(acme, port=0) as preview:
        settings = json.loads(_get(f"{preview.url}/v1/projects/{STOREFRONT}/settings")[2])
        host = preview.url.split("://", 1)[1]
        assert settings["integrations"]["Segment.io"]["apiHost"] == f"{host}/_collect"
        assert settings["integrations"]["Segment.io"]["protocol"] == "http"
        assert settings["remotePlugins"] and all(p["url"].startswith(preview.url + "/next-integrations/")
                                                 for p in settings["remotePlugins"])
        assert _get(settings["remotePlugins"][0]["url"])[0] == 200
    assert _tree(acme) == before and not (acme / "public").exists()


def test_status_lists_every_source_with_its_device_mode_destinations(acme):
    with open_preview(acme, port=0) as preview:
        status = json.loads(_get(preview.url + "/_preview/status.json")[2])
        assert status["problems"] == [] and status["build_number"] == 1 and len(status["build_id"]) == 16
        sources = {s["id"]: s for s in status["sources"]}
        assert set(sources) == {"backend", "marketing", "mobile-app", "storefront"}
        assert [d["destination"] for d in sources["storefront"]["destinations"]] == [
            "Amplitude", "Facebook Pixel", "Google Analytics", "Hotjar", "Mixpanel"]
        assert sources["backend"]["destinations"] == []
        index = _get(preview.url + "/")[2].decode()
        assert all(name in index for name in ("Acme Storefront", "Acme Marketing Site", "Acme App",
                                              "Acme Order Service", status["build_id"]))


def test_head_answers_with_the_headers_of_get_and_no_body_so_the_connection_stays_usable(acme):
    with open_preview(acme, port=0) as preview:
        host, port = preview.url.split("://", 1)[1].rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        for path in ("/", "/_preview/status.json", f"/_preview/events.json?write_key={STOREFRONT}",
                     f"/analytics.js/v1/{STOREFRONT}/analytics.min.js", "/_preview/static/nothing.js", "/nothing"):
            connection.request("HEAD", path)
            head = connection.getresponse()
            assert head.read() == b"", path
            connection.request("GET", path)  # the same connection: a body sent after HEAD would garble this
            got = connection.getresponse()
            body = got.read()
            assert (got.status, got.getheader("Content-Type")) == (head.status, head.getheader("Content-Type")), path
            assert int(head.getheader("Content-Length")) == len(body), path
        connection.close()


def test_the_collector_records_what_is_sent_per_write_key(acme):
    with open_preview(acme, port=0) as preview:
        for key, name in ((STOREFRONT, "Order Completed"), ("wk_marketing_8e41", "Signed Up")):
            body = json.dumps({"type": "track", "event": name, "writeKey": key}).encode()
            request = urllib.request.Request(preview.url + "/_collect/t", data=body, method="POST",
                                             headers={"Content-Type": "text/plain"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
        events = json.loads(_get(f"{preview.url}/_preview/events.json?write_key={STOREFRONT}")[2])
        assert [(e["event"], e["_path"]) for e in events] == [("Order Completed", "t")]


def test_an_edit_rebuilds_and_an_invalid_edit_keeps_the_last_good_build_serving(acme):
    source = acme / "sources" / "storefront.yaml"
    with open_preview(acme, port=0, quiet=0.05, max_delay=0.5) as preview:
        first = preview.site.status()
        url = f"{preview.url}/v1/projects/{STOREFRONT}/settings"
        source.write_text(source.read_text().replace("name: Hotjar\n", "name: Hotjar\n    enabled: false\n"))
        second = preview.site.wait_for(lambda s: s.build_id != first.build_id)
        assert second.build_id != first.build_id and second.problems == ()
        good = _get(url)[2]
        assert "Hotjar" not in json.loads(good)["integrations"]

        source.write_text(source.read_text().replace("mode: device\n", "mode: [device\n", 1))
        third = preview.site.wait_for(lambda s: s.build_number > second.build_number and bool(s.problems))
        assert third.build_id == second.build_id
        (line,) = third.problems
        assert re.match(rf"{re.escape(str(source))}:\d+: \[C-yaml-syntax\] ", line), line
        served = third.source("storefront")
        assert served.problems == (line,) and served.build_id == second.source("storefront").build_id
        assert _get(url)[2] == good
        index = _get(preview.url + "/")[2].decode()
        assert "Build errors" in index and f"{source}:" in index


def test_vendor_stubs_are_served_only_when_asked_for(acme):
    with open_preview(acme, port=0, vendor_stubs=True) as preview:
        status, headers, body = _get(preview.url + "/_vendor/mixpanel.js")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")
        assert b"__bundlesmithVendorCalls" in body
        assert _get(preview.url + "/_vendor/nothing.js")[0] == 404
        page = _get(preview.url + "/_preview/sources/storefront/page")[2].decode()
        assert "bundlesmith-vendor-routes" in page
    with open_preview(acme, port=0) as preview:
        assert _get(preview.url + "/_vendor/mixpanel.js")[0] == 404
        assert "bundlesmith-vendor-routes" not in _get(preview.url + "/_preview/sources/storefront/page")[2].decode()


def test_only_web_sources_have_a_test_page(acme):
    with open_preview(acme, port=0) as preview:
        assert _get(preview.url + "/_preview/sources/storefront/")[0] == 200
        assert _get(preview.url + "/_preview/sources/backend/")[0] == 404
        assert _get(preview.url + "/_preview/sources/nobody/page")[0] == 404


def test_preview_config_replaces_only_the_cdn_and_collector(acme):
    config, _ = load_workspace_file(acme)
    assert config is not None
    local = preview_config(config, "http://127.0.0.1:8123")
    assert local.cdn.base_url == "http://127.0.0.1:8123"
    assert (local.collector.api_host, local.collector.protocol) == ("127.0.0.1:8123/_collect", "http")
    assert local.cache == config.cache and local.targets == config.targets and config.cdn.base_url.startswith("https")


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("not json", None),
    ('{"integrations": {"All": false, "Mixpanel": true, "x": "</script>"}}',
     {"integrations": {"All": False, "Mixpanel": True}}),
    ('{"consent": {"categoryPreferences": {"analytics": true, "ads": 1}}, "evil": "x"}',
     {"consent": {"categoryPreferences": {"analytics": True}}}),
])
def test_test_page_load_options_keep_only_boolean_toggles(text, expected):
    assert load_options(text) == expected


def test_scaled_clock_runs_at_the_time_scale():
    now = [100.0]
    clock = ScaledClock(60, real=lambda: now[0])
    now[0] += 2.5
    assert clock() == 150.0
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)


def test_the_index_links_the_publish_plan_of_each_environment(acme):
    with open_preview(acme, port=0) as preview:
        index = _get(preview.url + "/")[2].decode()
        assert 'href="/_preview/plan?env=local"' in index
        status, _, body = _get(preview.url + "/_preview/plan?env=local")
        text = body.decode()
        assert status == 200 and "storefront: add " in text and "total: add" in text   # nothing published yet
        assert _get(preview.url + "/_preview/plan?env=nowhere")[0] == 404
    assert not (acme / "public").exists()                                              # a plan writes nothing


def test_the_cli_serves_until_interrupted_and_says_when_the_port_is_taken(acme):
    command = [str(Path(sys.executable).parent / "bundlesmith"), "preview", str(acme), "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=30), "the preview printed nothing"
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url and "0 problems" in line, line
        assert _get(url.group(0) + "_preview/status.json")[0] == 200
        taken = subprocess.run(command[:-1] + [url.group(1)], capture_output=True, text=True, timeout=60)
        assert taken.returncode == 2 and f"cannot listen on 127.0.0.1:{url.group(1)}" in taken.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert "preview stopped" in out
