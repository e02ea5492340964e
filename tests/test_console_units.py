"""The console's pure parts: the form read into instance fields, problems placed at fields, view models, diffs,
sessions and sign-in throttling, where a request may go back to after sign-in, and ISO times in the API."""
from __future__ import annotations

import pytest

from builder.catalog import load_catalog
from bundlesmith.serve.api_values import MASK, with_iso_times
from bundlesmith.serve.console.diffs import comparable_lines, diff_object
from bundlesmith.serve.console.forms import categories, changed_fields, instance_fields
from bundlesmith.serve.console.gate import is_console_path, sign_in_location
from bundlesmith.serve.console.preview_link import PreviewFinder, preview_link
from bundlesmith.serve.console.sessions import (IDLE_SECONDS, MAX_FAILURES, SessionStore, SignInThrottle,
                                                cookie_value, set_cookie_header)
from bundlesmith.serve.console.state import safe_next
from bundlesmith.serve.console.views import GENERAL, field_errors, history, settings_fields, source_row

CATALOG = load_catalog()
MIXPANEL = CATALOG.get("Mixpanel")


def _form(**fields: str) -> list[tuple[str, str]]:
    return [("csrf", "x"), *fields.items()]


def test_a_new_instance_is_typed_by_the_catalog_and_keeps_only_what_differs_from_defaults():
    form = _form(name=" Mixpanel Two ", mode="cloud", enabled="true", consent_categories="analytics, ads analytics",
                 **{"setting.token": "t2", "setting.apiSecret": "", "present.people": "1", "setting.people": "true",
                    "present.trackAllPages": "1", "setting.persistence": "cookie", "setting.superProperties": "[]",
                    "setting.eventIncrements": '["Signed Up"]'})
    fields, typed, errors = instance_fields(form, MIXPANEL)
    assert errors == {}
    assert fields == {"name": "Mixpanel Two", "mode": "cloud", "enabled": True,
                      "consent_categories": ["analytics", "ads"],
                      "settings": {"token": "t2", "people": True, "eventIncrements": ["Signed Up"]}}
    assert "apiSecret" not in typed and typed["token"] == "t2"  # private values are never shown again


def test_typing_errors_are_named_at_their_field_without_the_value():
    ga = CATALOG.get("Google Analytics")
    form = _form(name="GA", mode="device", **{"setting.measurementID": "G-1",
                                              "setting.cookieExpirationInSeconds": "soon",
                                              "setting.cookieFlags": '{"not": "a list"}'})
    _, _, errors = instance_fields(form, ga)
    assert errors == {"settings.cookieExpirationInSeconds": ["expected a number, such as 1.5"],
                      "settings.cookieFlags": ["expected a JSON list"]}


def test_a_blank_private_field_keeps_the_stored_value_and_unknown_settings_are_sent_back():
    stored = {"name": "Mixpanel", "destination": "Mixpanel", "mode": "device", "enabled": True,
              "consent_categories": [], "settings": {"token": "t", "apiSecret": MASK, "legacyKey": "kept"}}
    form = _form(name="Mixpanel", mode="device", enabled="true", **{"setting.token": "t", "setting.apiSecret": "",
                                                                  "setting.serviceAccountSecret": ""})
    fields, _, errors = instance_fields(form, MIXPANEL, stored)
    assert errors == {} and fields["settings"] == {"token": "t", "apiSecret": MASK, "legacyKey": "kept"}
    assert changed_fields(fields, stored) == {}
    form = _form(name="Mixpanel", mode="device", **{"setting.token": "t", "setting.apiSecret": "new-secret"})
    fields, _, _ = instance_fields(form, MIXPANEL, stored)
    assert changed_fields(fields, stored) == {"enabled": False, "settings": {"token": "t", "apiSecret": "new-secret",
                                                                            "legacyKey": "kept"}}


def test_private_fields_are_never_filled_in_and_say_a_value_is_stored():
    fields = {f["key"]: f for f in settings_fields(MIXPANEL, {"token": "t", "apiSecret": MASK}, {"token": "typed"})}
    assert fields["apiSecret"]["input"] == "password" and fields["apiSecret"]["value"] == ""
    assert fields["apiSecret"]["stored"] and not fields["serviceAccountSecret"]["stored"]
    assert fields["token"]["value"] == "typed" and fields["persistence"]["value"] == "cookie"
    assert fields["people"]["input"] == "checkbox" and fields["superProperties"]["value"] == "[]"
    order = [f["key"] for f in settings_fields(MIXPANEL, None)]
    assert order[0] == "token" and set(order[1:4]) == {"apiSecret", "serviceAccountSecret", "serviceAccountUsername"}


def test_problems_go_to_the_field_of_the_edited_instance_and_the_rest_to_the_form():
    details = [{"path": "destinations[9].mode", "code": "R3-device-duplicate", "message": "at most one"},
               {"path": "destinations[9].settings.token", "code": "R10-setting-required", "message": "needs token"},
               {"path": "destinations[2].mode", "code": "R3-device-duplicate", "message": "other"},
               {"path": "", "code": "C-x", "message": "file"}]
    assert field_errors(details, 9) == {
        "mode": ["at most one [R3-device-duplicate]"], "settings.token": ["needs token [R10-setting-required]"],
        GENERAL: ["destinations[2].mode: other [R3-device-duplicate]", "file [C-x]"]}


def test_a_source_row_says_state_counts_times_and_where_the_error_is():
    class Instance:
        def __init__(self, mode: str):
            self.mode = mode

    class Source:
        name, type, enabled = "Shop", "web", True
        destinations = [Instance("device"), Instance("cloud"), Instance("cloud")]

    record = {"state": "build-failed", "published_build_id": "ab12", "published_at": 1_800_000_000.0,
              "visible_everywhere_by": 1_800_001_800.0,
              "last_error": {"stage": "build", "at": 1_800_000_100.0, "message": "bad",
                             "problems": [{"file": "sources/shop.yaml", "line": 7, "code": "R9", "path": "x",
                                           "message": "m"}]}}
    row = source_row("shop", record, Source(), "sources/shop.yaml", building=False)
    assert (row["device"], row["cloud"], row["state_class"], row["build_id"]) == (1, 2, "failed", "ab12")
    assert row["published_at"] == "2027-01-15T08:00:00Z" and row["visible_everywhere_by"] == "2027-01-15T08:30:00Z"
    assert row["error"]["problems"][0]["where"] == "sources/shop.yaml:7"
    assert source_row("shop", record, Source(), "", building=True)["state_text"] == "building"
    record["last_error"]["problems"][0]["file"] = "/ws/acme/sources/shop.yaml"
    assert source_row("shop", record, Source(), "", False, "/ws/acme")["error"]["problems"][0]["where"] == \
        "sources/shop.yaml:7"


def test_history_is_newest_first_with_the_console_action_that_triggered_each_publish():
    published = {"build_id": "b2", "builds": ["b1", "b2"], "events": [
        {"action": "publish", "build_id": "b1", "at": 100.0},
        {"action": "publish", "build_id": "b2", "at": 200.0},
        {"action": "rollback", "build_id": "b1", "from": "b2", "at": 300.0}]}
    rows = history(published, [{"source": "s", "at": 150.0, "what": "console: changed Hotjar"}])
    assert [(r["action"], r["build_id"]) for r in rows] == [("rollback", "b1"), ("publish", "b2"), ("publish", "b1")]
    assert rows[1]["trigger"] == "console: changed Hotjar" and rows[0]["trigger"] == "rollback"
    assert rows[2]["trigger"].startswith("a change of the source file")


def test_a_diff_shows_the_settings_line_and_the_bundle_statement_that_changed():
    old, new = b'{"integrations":{"Hotjar":{"hjid":1}},"plan":{}}', b'{"integrations":{"Hotjar":{"hjid":2}},"plan":{}}'
    result = diff_object("v1/projects/k/settings", "settings", old, new)
    assert ("-", '      "hjid": 1') in result["lines"] and ("+", '      "hjid": 2') in result["lines"]
    assert comparable_lines(b"var a=1;function f(){return a}f();", "bundle") == [
        "var a=1;", "function f(){", "return a}", "f();"]
    assert diff_object("k", "bundle", b"x", b"x")["same"] and diff_object("k", "bundle", None, b"x")["missing"]


def test_sessions_expire_sign_in_gets_a_new_id_and_sign_out_ends_it():
    now = [1000.0]
    store = SessionStore(clock=lambda: now[0])
    visitor = store.open()
    admin = store.sign_in(visitor.id)
    assert admin.admin and admin.id != visitor.id and admin.csrf != visitor.csrf and store.get(visitor.id) is None
    assert admin.csrf_matches(admin.csrf) and not admin.csrf_matches(visitor.csrf) and not admin.csrf_matches(None)
    now[0] += IDLE_SECONDS + 1
    assert store.get(admin.id) is None
    other = store.open(admin=True)
    store.close(other.id)
    assert store.get(other.id) is None
    header = set_cookie_header(other.id, secure=True)
    assert "HttpOnly" in header and "SameSite=Strict" in header and header.endswith("; Secure")
    assert cookie_value(f"a=b; {header.split(';')[0]}; c=d") == other.id and cookie_value(None) is None


def test_sign_in_is_throttled_per_address_for_a_minute():
    now = [0.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(MAX_FAILURES):
        throttle.failed("10.0.0.1")
    assert throttle.blocked("10.0.0.1") and not throttle.blocked("10.0.0.2")
    now[0] += 61
    assert not throttle.blocked("10.0.0.1")


@pytest.mark.parametrize("asked, back", [
    ("/sources/shop", "/sources/shop"), ("/sources/shop/builds?x=1", "/sources/shop/builds?x=1"),
    ("//evil.example/", "/"), ("https://evil.example/", "/"), ("/api/v1/sources", "/"), ("/\\evil", "/"), (None, "/"),
])
def test_after_sign_in_only_console_paths_are_gone_back_to(asked, back):
    assert safe_next(asked) == back


def test_the_console_owns_its_paths_and_the_api_keeps_the_rest():
    assert all(is_console_path(p) for p in ("/", "/sign-in", "/sources/x", "/console/static/console.js"))
    assert not any(is_console_path(p) for p in ("/api/v1/sources", "/healthz", "/docs", "/openapi.json", "/nope"))
    assert sign_in_location("/sources/x", b"a=1") == "/sign-in?next=/sources/x%3Fa%3D1"
    assert categories("analytics,ads  analytics") == ["analytics", "ads"]


def test_every_epoch_time_gets_an_iso_twin_at_any_depth():
    answer = with_iso_times({"published_at": 0, "visible_everywhere_by": 1_800_000_000.5, "builds": 3,
                             "enabled_at": True, "events": [{"at": 60.0, "build_id": "b"}], "last_error": None,
                             "bad_at": 1e300})
    assert answer["published_at_iso"] == "1970-01-01T00:00:00Z"
    assert answer["visible_everywhere_by_iso"] == "2027-01-15T08:00:00Z"
    assert answer["events"][0]["at_iso"] == "1970-01-01T00:01:00Z"
    assert "builds_iso" not in answer and "enabled_at_iso" not in answer and "bad_at_iso" not in answer


def test_a_preview_is_linked_only_when_it_serves_the_same_web_source_built():
    status = {"sources": [{"id": "shop", "write_key": "wk1", "type": "web", "build_id": "b1"},
                          {"id": "api", "write_key": "wk2", "type": "server", "build_id": "b2"}]}
    assert preview_link(status, "http://127.0.0.1:8000/", "shop", "wk1") == \
        "http://127.0.0.1:8000/_preview/sources/shop/"
    assert preview_link(status, "http://p", "shop", "another-workspace-key") is None
    assert preview_link(status, "http://p", "api", "wk2") is None and preview_link(["junk"], "http://p", "s", "k") is None
    asked, now = [], [0.0]
    finder = PreviewFinder("http://p", fetch=lambda base: asked.append(base) or status, clock=lambda: now[0])
    assert finder.link("shop", "wk1") and finder.link("shop", "wk1") and len(asked) == 1  # kept a few seconds
    now[0] += 10
    finder.link("shop", "wk1")
    assert len(asked) == 2 and PreviewFinder("").link("shop", "wk1") is None
