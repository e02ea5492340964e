"""`bundlesmith import segment`: a Segment source's settings JSON becomes `sources/<id>.yaml` with Segment's keys,
every unrepresentable item is reported, and hostile input (huge, malformed, hanging or redirecting URLs, values the
catalog refuses) is a clear error with nothing written."""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from builder.catalog import load_catalog
from builder.workspace import load_workspace
from bundlesmith.cli import main
from bundlesmith.http_thread import BackgroundHttpServer
from bundlesmith.segment.fetch import MAX_BYTES
from bundlesmith.segment.names import catalog_name
from tests.support.workspaces import write_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "segment"
STOREFRONT = FIXTURES / "storefront.settings.json"
LEGACY = FIXTURES / "legacy-shop.settings.json"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def _import(root: Path, settings: Path | str, *extra: str) -> tuple[int, str]:
    return _run("import", "segment", root, "--settings", settings, *extra)


def _source(root: Path, source_id: str) -> dict:
    return yaml.safe_load((root / "sources" / f"{source_id}.yaml").read_text())


def _by_name(source: dict) -> dict[str, dict]:
    return {i["name"]: i for i in source["destinations"]}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


# --- what is written -------------------------------------------------------------------------------------------

def test_import_writes_the_source_and_prints_the_snippet_line(root):
    code, output = _import(root, STOREFRONT, "--name", "Storefront")
    assert code == 0, output
    assert f"wrote {root}/sources/storefront.yaml: source 'storefront', 6 device-mode and 3 cloud-mode" in output
    assert f"bundlesmith snippet {root} storefront" in output
    source = _source(root, "storefront")
    assert (source["id"], source["name"], source["type"]) == ("storefront", "Storefront", "web")
    assert source["write_key"] == "Wk7fQ2pL9xZr4TbN8mVc3HsY6dJa1GeK"


def test_device_instances_keep_segments_setting_keys_values_and_consent_categories(root):
    _import(root, STOREFRONT, "--source-id", "storefront")
    segment = json.loads(STOREFRONT.read_text())
    instances = _by_name(_source(root, "storefront"))
    meta = {"versionSettings", "type", "bundlingStatus", "consentSettings"}
    for name in ("Mixpanel", "Amplitude", "Hotjar", "Keen IO"):
        entry = segment["integrations"][name]
        assert instances[name]["mode"] == "device"
        assert instances[name]["settings"] == {k: v for k, v in entry.items() if k not in meta}
        assert instances[name].get("consent_categories", []) == entry["consentSettings"]["categories"]
    for plugin in segment["remotePlugins"]:
        instance = instances[plugin["creationName"]]
        assert instance["mode"] == "device"
        assert instance["settings"] == {k: v for k, v in plugin["settings"].items() if k != "subscriptions"}
        assert instance["consent_categories"] == \
            segment["integrations"][plugin["creationName"]]["consentSettings"]["categories"]
    assert {n: i["destination"] for n, i in instances.items()} == {
        "Braze Web Mode (Actions)": "Braze", "Google Analytics 4 Web": "Google Analytics", "Mixpanel": "Mixpanel",
        "Amplitude": "Amplitude", "Hotjar": "Hotjar", "Keen IO": "Keen", "Customer.io": "Customer.io",
        "Webhooks": "Webhooks", "Slack": "Slack"}


def test_incomplete_cloud_instances_are_written_disabled_and_validate_names_every_missing_setting(root, tmp_path):
    code, output = _import(root, STOREFRONT, "--source-id", "storefront")
    assert "settings to fill in (2" in output
    instances = _by_name(_source(root, "storefront"))
    assert [(n, i["mode"], i["enabled"], i["settings"]) for n, i in instances.items() if i["mode"] == "cloud"] == [
        ("Customer.io", "cloud", True, {"datacenter": "", "siteId": "3c1d2e4f5a6b"}),
        ("Webhooks", "cloud", False, {}), ("Slack", "cloud", False, {})]
    code, output = _run("validate", root)
    assert code == 0, output  # the rest of the source builds at once
    notes = [line for line in output.splitlines() if line.startswith("note:")]
    assert len(notes) == 2
    assert re.search(r"destinations\[7\]\.settings\.webhookUrl: Webhooks needs it before this disabled", output)
    assert re.search(r"destinations\[8\]\.settings\.webhookUrl: Slack needs it before this disabled", output)
    code, output = _run("build", root, "--out", tmp_path / "out")
    assert code == 0, output
    built = json.loads((tmp_path / "out/v1/projects/Wk7fQ2pL9xZr4TbN8mVc3HsY6dJa1GeK/settings").read_text())
    assert built["integrations"]["Segment.io"]["unbundledIntegrations"] == ["Customer.io"]  # nothing for the others
    path = root / "sources" / "storefront.yaml"
    path.write_text(path.read_text().replace("enabled: false", "enabled: true"))
    code, output = _run("validate", root)  # enabled without the setting: the rule binds again
    assert code == 1 and "[R10-setting-required] Webhooks needs" in output


def test_filled_in_cloud_settings_make_the_source_build_with_cloud_names_unbundled(root, tmp_path):
    _import(root, STOREFRONT, "--source-id", "storefront")
    path = root / "sources" / "storefront.yaml"
    path.write_text(path.read_text().replace("  settings: {}", "  settings: {webhookUrl: 'https://hooks.example/a'}")
                    .replace("enabled: false", "enabled: true"))
    assert _run("validate", root)[0] == 0
    code, output = _run("build", root, "--out", tmp_path / "out")
    assert code == 0, output
    built = json.loads((tmp_path / "out/v1/projects/Wk7fQ2pL9xZr4TbN8mVc3HsY6dJa1GeK/settings").read_text())
    assert built["integrations"]["Segment.io"]["unbundledIntegrations"] == ["Customer.io", "Slack", "Webhooks"]
    assert "https://hooks.example/a" not in json.dumps(built)   # private: filled in, never published
    assert sorted(p["name"] for p in built["remotePlugins"]) == [
        "Amplitude", "Braze", "Google Analytics", "Hotjar", "Keen", "Mixpanel"]


def test_skip_incomplete_cloud_leaves_them_out_and_the_device_part_builds_at_once(root, tmp_path):
    code, output = _import(root, STOREFRONT, "--source-id", "storefront", "--skip-incomplete-cloud")
    assert code == 0, output
    assert "'Webhooks' needs the private setting 'webhookUrl', which the input does not hold; instance left out" \
        in output
    assert [i["name"] for i in _source(root, "storefront")["destinations"] if i["mode"] == "cloud"] == ["Customer.io"]
    assert _run("validate", root)[0] == 0
    assert _run("build", root, "--out", tmp_path / "out")[0] == 0


def test_without_source_id_or_name_the_source_is_named_after_its_write_key(root):
    code, output = _import(root, STOREFRONT)
    assert code == 0, output
    assert (root / "sources" / "segment-wk7fq2pl9xzr.yaml").is_file()


# --- the report ------------------------------------------------------------------------------------------------

LEGACY_REPORT = {
    ("unknown-destination", "integrations.Google Analytics"),    # Universal Analytics: not the catalog's GA4
    ("unknown-destination", "integrations.Snowplow"),
    ("unknown-destination", "integrations.Totango"),
    ("unsupported-mode", "integrations.Segment.io.unbundledIntegrations"),   # Hotjar in cloud-mode
    ("duplicate-device", "integrations.Intercom"),   # classic Intercom beside Intercom Web (Actions)
    ("unknown-setting", "integrations.Amplitude.trackSessionEvents"),
    ("unknown-setting", "integrations.Mixpanel.trackReferrer"),
    ("missing-setting", "integrations.Segment.io.unbundledIntegrations"),    # Mixpanel (Actions): token
    ("subscription", "remotePlugins[0].settings.subscriptions"),             # Intercom presets not subscribed
    ("subscription", "remotePlugins[1].settings.subscriptions"),             # Braze: mappings, presets
    ("subscription", "remotePlugins[1].settings.subscriptions[0]"),          # a disabled preset
    ("subscription", "remotePlugins[1].settings.subscriptions[2]"),          # a custom trigger
    ("consent", "consentSettings.allCategories"),
    ("consent", "consentSettings.hasUnmappedDestinations"),
    ("tracking-plan", "plan.track.Coupon Applied"),
    ("tracking-plan", "plan.track.Order Refunded"),
    ("middleware", "enabledMiddleware.@segment/analytics.js-middleware-braze-deduplicate"),
    ("middleware", "middlewareSettings.routingRules"),
    ("edge-function", "edgeFunction"),
    ("collector", "integrations.Segment.io.apiHost"),
    ("unknown-field", "autoInstrumentationSettings"),
    ("unknown-field", "integrations.Segment.io.deliveryStrategy"),
    ("unknown-field", "legacyVideoPluginsEnabled"),
    ("note", "integrations.Amplitude.serverZone"),                            # written as `endpoint`
    ("note", "integrations.Segment.io.maybeBundledConfigIds.Optimizely Web"),
}


def _report(output: str) -> set[tuple[str, str]]:
    return {(m[1], m[2]) for m in re.finditer(r"^  - \[([a-z-]+)\] (.+?): ", output, re.M)}


def test_every_unknown_or_unrepresentable_item_of_the_legacy_fixture_is_in_the_report(root):
    code, output = _import(root, LEGACY, "--source-id", "legacy")
    assert code == 0, output
    assert _report(output) == LEGACY_REPORT
    for text in ("'Snowplow' (device-mode): not in bundlesmith's catalog", "'Totango' (cloud-mode)",
                 "'Hotjar' is cloud-mode in Segment, but Hotjar works in device-mode only",
                 "'Sign ups' (trackEvent: type = \"track\" and event = \"Signed Up\") is not performed",
                 "the category 'Personalization' is on no imported destination",
                 "events.eu1.segmentapis.com/v1"):
        assert text in output
    assert [i["name"] for i in _source(root, "legacy")["destinations"]] == [
        "Intercom Web (Actions)", "Braze Web Mode (Actions)", "Amplitude", "Mixpanel", "Mixpanel (Actions)"]
    assert _source(root, "legacy")["destinations"][2]["settings"]["endpoint"] == "EU"


def test_a_clean_source_reports_only_what_bundlesmith_does_differently(root, tmp_path):
    (tmp_path / "clean.json").write_text(json.dumps({
        "integrations": {"Segment.io": {"apiKey": "wkClean1", "apiHost": "api.test.example/v1",
                                        "unbundledIntegrations": []},
                         "Hotjar": {"hjid": 42, "type": "browser", "consentSettings": {"categories": []}}},
        "plan": {"track": {"__default": {"enabled": True, "integrations": {}}}},
        "remotePlugins": [], "consentSettings": {"allCategories": [], "hasUnmappedDestinations": True}}))
    code, output = _import(root, tmp_path / "clean.json", "--source-id", "clean")
    assert code == 0, output
    assert "nothing: every destination, setting and option of the input is in the source file" in output


# --- never overwrite, never clash ------------------------------------------------------------------------------

def test_an_existing_source_file_is_replaced_only_with_force(root):
    assert _import(root, STOREFRONT, "--source-id", "shop")[0] == 0
    path = root / "sources" / "shop.yaml"
    path.write_text(path.read_text() + "# edited by hand\n")
    before = path.read_bytes()
    code, output = _import(root, STOREFRONT, "--source-id", "shop")
    assert code == 1
    assert f"{path} exists; pass --force to replace it (nothing was written)" in output
    assert path.read_bytes() == before
    assert _import(root, STOREFRONT, "--source-id", "shop", "--force")[0] == 0
    assert b"# edited by hand" not in path.read_bytes()


def test_a_write_key_another_source_uses_is_refused(root):
    assert _import(root, STOREFRONT, "--source-id", "shop")[0] == 0
    code, output = _import(root, STOREFRONT, "--source-id", "shop-again")
    assert code == 1
    assert "(source 'shop') already uses this write key; nothing was written" in output
    assert not (root / "sources" / "shop-again.yaml").exists()


# --- hostile input: a clear error, nothing written ---------------------------------------------------------------

def _segment(**integrations) -> dict:
    return {"integrations": {"Segment.io": {"apiKey": "wkHostile1"}, **integrations}}


HOSTILE = [
    ("malformed", b'{"integrations": {"Segment.io": {"apiKey": "k"}', r":1:\d+: not valid JSON"),
    ("nan", b'{"integrations": {"Segment.io": {"apiKey": "k"}, "Hotjar": {"hjid": NaN}}}',
     "NaN is not a JSON number"),
    ("infinite", b'{"integrations": {"Segment.io": {"apiKey": "k"}, "Hotjar": {"hjid": 1e999}}}', "not finite"),
    ("huge-integer", b'{"integrations": {"Segment.io": {"apiKey": "k"}, "Hotjar": {"hjid": 9007199254740993}}}',
     "beyond 2\\^53 - 1"),
    ("duplicate-key", b'{"integrations": {"Segment.io": {"apiKey": "a", "apiKey": "b"}}}', "appears twice"),
    ("deep", b'{"integrations": {"Segment.io": {"apiKey": "k"}, "x": ' + b"[" * 100 + b"]" * 100 + b"}}",
     "nested deeper than 64 levels"),
    ("very-deep", b"[" * 200_000 + b"]" * 200_000, "nested deeper than 64 levels"),
    ("not-an-object", b"[1, 2]", "expected a JSON object at the top level, got an array or a value"),
    ("not-utf8", b'{"a": "\xff"}', "not UTF-8 text"),
    ("not-segment", b'{"hello": "world"}', "integrations must be an object, got null; is this a Segment settings JSON"),
    ("no-write-key", json.dumps({"integrations": {"Segment.io": {}}}).encode(),
     "integrations.Segment.io.apiKey must be the source's write key"),
    ("unsafe-write-key", json.dumps(_segment() | {"integrations": {"Segment.io": {"apiKey": "../../etc"}}}).encode(),
     r"the write key \(integrations.Segment.io.apiKey\) must be 1 to 100 characters"),
    ("wrong-type", json.dumps(_segment(Hotjar={"hjid": "3141592", "type": "browser"})).encode(),
     "integrations.Hotjar.hjid: Hotjar's setting 'hjid' must be an integer \\(got a string of 7 characters\\)"),
    ("wrong-type-private", json.dumps(_segment(Mixpanel={"token": "t", "apiSecret": 12345678, "type": "browser"}))
     .encode(), "Mixpanel's setting 'apiSecret' must be a string \\(got a number\\)"),
    ("lone-surrogate", b'{"integrations": {"Segment.io": {"apiKey": "k"}, "Mixpanel": {"token": "\\ud800"}}}',
     r"a string holds a lone UTF-16 surrogate \(\\ud800-\\udfff escape\), which no UTF-8 file can hold"),
    ("bad-remote-plugins", json.dumps(_segment() | {"remotePlugins": {"a": 1}}).encode(),
     "remotePlugins must be a list"),
]


@pytest.mark.parametrize("case,body,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_settings_are_a_clear_error_naming_the_file_and_nothing_is_written(root, tmp_path, case, body,
                                                                                   message):
    path = tmp_path / f"{case}.json"
    path.write_bytes(body)
    code, output = _import(root, path, "--source-id", "hostile")
    assert code == 1, output
    assert output.startswith(f"error: {path}")
    assert re.search(message, output), output
    assert list((root / "sources").iterdir()) == []
    assert "12345678" not in output


@pytest.mark.parametrize("value", ["yes", "0o17", "1e3", "~", "null", "2001-12-14", "<<", "- a", "#x", " lead",
                                   "a\x00b", "\x85next", "\u2028x", "\ufeffbom", "é😀", "'q'"])
def test_strings_yaml_would_read_as_something_else_are_written_so_they_read_back(root, tmp_path, value):
    document = _segment(Mixpanel={"token": value, "cookieName": value, "type": "browser"})
    (tmp_path / "s.json").write_text(json.dumps(document))
    code, output = _import(root, tmp_path / "s.json", "--source-id", "s")
    assert code == 0, output
    workspace = load_workspace(root, load_catalog())
    assert workspace.ok, workspace.all_problems()
    assert workspace.sources[0].source.destinations[0].settings == {"token": value, "cookieName": value}


def test_a_file_past_the_size_limit_is_refused_unread(root, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    code, output = _import(root, path, "--source-id", "huge")
    assert code == 1
    assert f"error: {path}: the file is larger than the limit of {MAX_BYTES:,} bytes" in output
    assert list((root / "sources").iterdir()) == []


def test_private_values_in_the_input_are_written_but_never_printed(root, tmp_path):
    secret = "mp-SECRET-never-printed-42"
    document = _segment(Mixpanel={"token": "t1", "apiSecret": secret, "type": "browser", "retiredKey": secret})
    (tmp_path / "s.json").write_text(json.dumps(document))
    code, output = _import(root, tmp_path / "s.json", "--source-id", "s")
    assert code == 0, output
    assert secret not in output
    assert "Mixpanel has no setting 'retiredKey' in the catalog (a string of 26 characters): left out" in output
    assert _source(root, "s")["destinations"][0]["settings"]["apiSecret"] == secret


# --- URLs: a real HTTP server on 127.0.0.1 -----------------------------------------------------------------------

class _Server(BackgroundHttpServer):
    """Answers /settings with the fixture, /hang never, /redirect-* with redirects, /huge* with too many bytes."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                if self.path == "/settings":
                    body = STOREFRONT.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif self.path == "/hang":
                    server.release.wait(timeout=30)
                elif self.path == "/stall":
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"{")
                    self.wfile.flush()
                    server.release.wait(timeout=30)
                elif self.path == "/trickle":   # a byte every 0.2 s: no read ever times out, the deadline does
                    self.send_response(200)
                    self.end_headers()
                    try:
                        while not server.release.wait(timeout=0.2):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                    except OSError:
                        pass
                elif self.path.startswith("/redirect-"):
                    targets = {"/redirect-ok": "/settings", "/redirect-file": "file:///etc/passwd",
                               "/redirect-loop": "/redirect-loop", "/redirect-ftp": "ftp://127.0.0.1/x"}
                    self.send_response(302)
                    self.send_header("Location", targets[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/huge-declared":
                    self.send_response(200)
                    self.send_header("Content-Length", str(MAX_BYTES + 1))
                    self.end_headers()
                elif self.path == "/huge-streamed":
                    self.send_response(200)
                    self.end_headers()
                    chunk = b" " * (1024 * 1024)
                    try:
                        for _ in range(MAX_BYTES // len(chunk) + 2):
                            self.wfile.write(chunk)
                    except OSError:
                        pass
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

        super().__init__(Handler, name="segment-test-http")

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        super().__exit__(*exc)


@pytest.fixture
def server():
    with _Server() as running:
        yield running


def test_import_from_an_http_url(root, server):
    code, output = _import(root, f"{server.url}/redirect-ok", "--source-id", "shop")
    assert code == 0, output
    assert server.hits == ["/redirect-ok", "/settings"]
    assert _source(root, "shop")["write_key"] == "Wk7fQ2pL9xZr4TbN8mVc3HsY6dJa1GeK"


@pytest.mark.parametrize("path,message", [
    ("/hang", r"timed out \(connect 1 s, read 1 s\)"),
    ("/stall", r"the body was not received within 1 s per read and 1 s in all"),
    ("/trickle", r"the body was not received within 1 s per read and 1 s in all"),
    ("/redirect-file", "redirected to a file URL; only http\\(s\\) redirects are followed"),
    ("/redirect-ftp", "redirected to a ftp URL; only http\\(s\\) redirects are followed"),
    ("/redirect-loop", "more than 3 redirects \\(the limit\\)"),
    ("/huge-declared", f"the body is {MAX_BYTES + 1:,} bytes, more than the limit of {MAX_BYTES:,} bytes"),
    ("/huge-streamed", f"the body is larger than the limit of {MAX_BYTES:,} bytes"),
    ("/missing", "the server answered HTTP 404"),
])
def test_hostile_urls_are_a_clear_error_naming_the_url_and_nothing_is_written(root, server, path, message):
    url = f"{server.url}{path}"
    code, output = _import(root, url, "--source-id", "shop", "--timeout", "1")
    assert code == 1, output
    assert output.startswith(f"error: {url}: ")
    assert re.search(message, output), output
    assert list((root / "sources").iterdir()) == []


def test_only_http_urls_are_fetched(root):
    code, output = _import(root, "file:///etc/passwd", "--source-id", "shop")
    assert code == 1
    assert "error: file:///etc/passwd: only http and https URLs are fetched (got the scheme 'file')" in output


# --- many sources: the Public API export -------------------------------------------------------------------------

EXPORT = FIXTURES / "export.json"
EXPORT_SECRETS = ("mp-api-secret-EXPORT-7f3e", "braze-rest-key-EXPORT-91ab", "https://hooks.example/EXPORT-secret-path",
                  "whsec-EXPORT-44", "amp-secret-EXPORT-0c1d")


def test_an_export_imports_every_source_with_private_settings_written_never_printed(root, tmp_path):
    code, output = _run("import", "segment", root, "--export", EXPORT)
    assert code == 0, output
    assert f"wrote {root}/sources/storefront.yaml: source 'storefront', 2 device-mode and 2 cloud-mode" in output
    assert f"wrote {root}/sources/blog.yaml: source 'blog', 1 device-mode and 0 cloud-mode" in output
    assert "[unknown-destination] data.destinations[5]: 'Snowplow' (cloud-mode)" in output
    assert "'Webhooks': the export does not say its connection mode; cloud-mode assumed" in output
    assert not any(secret in output for secret in EXPORT_SECRETS)
    storefront = _by_name(_source(root, "storefront"))
    assert storefront["Mixpanel"]["settings"]["apiSecret"] == "mp-api-secret-EXPORT-7f3e"
    assert (storefront["Order webhook"]["mode"], storefront["Order webhook"]["settings"]["webhookUrl"]) == (
        "cloud", "https://hooks.example/EXPORT-secret-path")
    assert (storefront["Braze web"]["destination"], storefront["Braze web"]["mode"]) == ("Braze", "device")
    assert storefront["Amplitude"]["enabled"] is False
    assert _source(root, "blog")["write_key"] == "Bl0gQ2pL9xZr4TbN8mVc3HsY6dJa1GeK"

    assert _run("validate", root)[0] == 0
    assert _run("build", root, "--out", tmp_path / "out")[0] == 0
    published = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert not any(secret.encode() in published for secret in EXPORT_SECRETS)


def test_an_export_without_the_sources_write_keys_is_refused_and_nothing_is_written(root, tmp_path):
    document = json.loads(EXPORT.read_text())
    del document["data"]["sources"]
    (tmp_path / "export.json").write_text(json.dumps(document))
    code, output = _run("import", "segment", root, "--export", tmp_path / "export.json")
    assert code == 1
    assert "no write key for the source 'src_7aB2': add the Public API's list sources answer as data.sources" in output
    assert list((root / "sources").iterdir()) == []


def test_one_refused_source_of_an_export_means_no_source_is_written(root, tmp_path):
    document = json.loads(EXPORT.read_text())
    document["data"]["destinations"][4]["settings"]["hjid"] = "not a number"   # the blog's Hotjar
    (tmp_path / "export.json").write_text(json.dumps(document))
    code, output = _run("import", "segment", root, "--export", tmp_path / "export.json")
    assert code == 1
    assert "data.destinations[4].settings.hjid: Hotjar's setting 'hjid' must be an integer (got a string of 12 characters)" \
        in output
    assert list((root / "sources").iterdir()) == []


def test_settings_and_export_are_exclusive(root):
    code, output = _run("import", "segment", root)
    assert code == 2
    assert "pass either --settings FILE_OR_URL (one source) or --export FILE_OR_URL (many)" in output


# --- Segment's names ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("segment_name,settings,expected", [
    ("Keen IO", {}, "Keen"),
    ("Braze Web Mode (Actions)", {}, "Braze"),
    ("Google Analytics 4 Web", {}, "Google Analytics"),
    ("Intercom Web (Actions)", {}, "Intercom"),
    ("FullStory (Actions)", {}, "FullStory"),
    ("Fullstory (Actions)", {}, "FullStory"),
    ("Facebook Pixel", {}, "Facebook Pixel"),
    ("mixpanel", {}, "Mixpanel"),
    ("Google Analytics", {"measurementID": "G-1"}, "Google Analytics"),
    ("Google Analytics", {"trackingId": "UA-1-1"}, None),   # Universal Analytics is not the catalog's GA4
    ("Snowplow", {}, None),
])
def test_segment_display_names_map_to_catalog_names(catalog, segment_name, settings, expected):
    assert catalog_name(segment_name, catalog, settings) == expected
